/** A `.wasm` file imported `with { type: "file" }`: its path, embedded in the compiled binary. */
declare module "*.wasm" {
  const path: string
  export default path
}
