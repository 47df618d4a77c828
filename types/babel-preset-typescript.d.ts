declare module "@babel/preset-typescript" {
  const preset: unknown;
  export default preset;
}
