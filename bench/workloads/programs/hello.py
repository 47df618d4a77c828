items = [{"name": "a", "qty": 1}]
print(len(items))
