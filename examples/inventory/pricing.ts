const RATES: Record<string, number> = { EUR: 1, USD: 1.08, GBP: 0.85 };

/** Exchange rate from EUR, as a slow service would answer it. */
export async function fetchRate(currency: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  const rate = RATES[currency];
  if (rate === undefined) {
    throw new Error(`no exchange rate for ${currency}`);
  }
  return rate;
}
