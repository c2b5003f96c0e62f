/**
 * Every supported language, at every strategy, on a small fixture written for the purpose: each
 * signature line survives byte for byte, long bodies become markers that redeem the exact lines,
 * and content inside multi-line strings is never mistaken for comments or blank lines.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { parseMarkers } from "../../markers/index.ts"
import { STRATEGIES } from "../../sdk/index.ts"
import { redeemAll, withStore } from "../../../test/support/pipeline.ts"
import { codeCompressor } from "./index.ts"

const store = withStore()
afterAll(store.cleanup)

const fixture = (name: string) => readFileSync(resolve(import.meta.dir, "../../../test/fixtures/code", name), "utf8")

interface Case {
  readonly file: string
  readonly language: string
  /** Every declaration and signature line, exactly as written. */
  readonly signatures: ReadonlyArray<string>
  /** A function whose body balanced elides, and a line of that body. */
  readonly elided: { readonly name: string; readonly line: string }
  /** A line inside a multi-line string that looks like a comment. */
  readonly inString?: string
}

const CASES: ReadonlyArray<Case> = [
  {
    file: "sample.py",
    language: "python",
    signatures: [
      "@dataclass",
      "class Item:",
      "    @property",
      "    def label(self) -> str:",
      "    def total(",
      "        self,",
      "        quantity: int,",
      "        discount: float = 0.0,",
      "    ) -> int:",
      "    def render(self) -> str:",
      "        def quote(text: str) -> str:",
      "async def load_items(path: str) -> list[Item]:",
    ],
    elided: { name: "total", line: "        capped = min(discount, 0.5)" },
    inString: "# not a comment: part of the template",
  },
  {
    file: "sample.go",
    language: "go",
    signatures: [
      "type Item struct {",
      "type Store struct {",
      "func (s *Store) Get(name string) (*Item, error) {",
      "func (s *Store) Total() int {",
      "func describe(",
      "\titem *Item,",
      "\tverbose bool,",
      ") string {",
    ],
    elided: { name: "Total", line: "\t\ttotal += item.Price" },
    inString: "// not a comment: part of the banner",
  },
  {
    file: "sample.rs",
    language: "rust",
    signatures: [
      "#[derive(Debug, Clone)]",
      "pub struct Item {",
      "pub enum Change {",
      "pub trait Priced {",
      "    fn price(&self) -> u32;",
      "impl fmt::Display for Item {",
      "    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {",
      "impl Store {",
      "    pub fn total(&self) -> u32 {",
      "    pub fn describe<'a>(",
      "        &'a self,",
      "        name: &str,",
      "    ) -> Option<String> {",
      "        fn quote(text: &str) -> String {",
      "pub struct Store {",
    ],
    elided: { name: "total", line: "            total += item.price;" },
    inString: "// not a comment: part of the banner",
  },
  {
    file: "sample.ts.txt",
    language: "typescript",
    signatures: [
      "export type Price = number",
      "export interface Item {",
      "export class Store {",
      "  constructor(private readonly options: Options) {}",
      "  get(name: string): Item | undefined {",
      "  total(): Price {",
      "  async load(",
      "    path: string,",
      '    encoding: BufferEncoding = "utf8",',
      "  ): Promise<number> {",
      "export const describe = (item: Item, verbose = false): string => {",
    ],
    elided: { name: "total", line: "      total += item.price" },
    inString: "// not a comment: part of the banner",
  },
  {
    file: "sample.tsx.txt",
    language: "typescript",
    signatures: [
      "interface Props {",
      "export function ItemList({ items, onPick }: Props) {",
      "export const Empty = () => <p>No items</p>",
    ],
    elided: { name: "ItemList", line: "    setSelected(item.name)" },
  },
  {
    file: "sample.js",
    language: "javascript",
    signatures: ["class Store {", "  constructor() {", "  total() {", "function load(path, store) {"],
    elided: { name: "load", line: "    store.items.set(item.name, item)" },
  },
  {
    file: "Sample.java",
    language: "java",
    signatures: [
      "public final class Store {",
      "  public Store() {}",
      "  @Deprecated",
      "  public int total() {",
      "  public <T extends Comparable<T>> String describe(",
      "      String name,",
      "      T extra) throws IllegalStateException {",
      "  interface Listener {",
      "    void changed(String name);",
      "  enum Kind { FOOD, TOOL }",
    ],
    elided: { name: "total", line: "      total += price;" },
    inString: "      // not a comment: part of the banner",
  },
  {
    file: "sample.c",
    language: "c",
    signatures: [
      "struct item {",
      "unsigned total(const struct item *items, size_t count)",
      "static void print_item(const struct item *item,",
      "                       FILE *out)",
      "int main(void)",
    ],
    elided: { name: "total", line: "        sum += items[i].price;" },
  },
  {
    file: "sample.cpp",
    language: "cpp",
    signatures: [
      "namespace inventory {",
      "struct Item {",
      "class Store {",
      "    unsigned total() const {",
      "    void add(const Item& item);",
      "void Store::add(const Item& item) {",
      "template <typename T>",
      "T clamp_price(T value,",
      "              T limit) {",
    ],
    elided: { name: "total", line: "            sum += item.price;" },
  },
  {
    file: "Sample.cs",
    language: "csharp",
    signatures: [
      "namespace Inventory",
      "    public class Store",
      "        public int Count => prices.Count;",
      "        public string Banner",
      '        [Obsolete("use Sum")]',
      "        public int Total()",
      "        public string Describe(",
      "            string name,",
      "            bool verbose)",
      '            string Quote(string text) => $"\\"{text}\\"";',
      "    public interface IPriced",
      "        int Price { get; }",
      "    public enum Kind { Food, Tool }",
    ],
    elided: { name: "Total", line: "                total += price;" },
    inString: "// not a comment: part of the banner\";",
  },
  {
    file: "sample.rb",
    language: "ruby",
    signatures: [
      "class Store",
      "  def initialize",
      "  def total",
      "  def self.load(path,",
      '                encoding: "utf-8")',
      "module Pricing",
      "  def self.cents(euros) = (euros * 100).round",
    ],
    elided: { name: "total", line: "      sum += price" },
    inString: "    # not a comment: part of the banner",
  },
  {
    file: "sample.php",
    language: "php",
    signatures: [
      "class Store",
      "    public function total(): int",
      "    public function describe(",
      "        string $name,",
      "        bool $verbose = false",
      "    ): string {",
      "function banner(): string",
    ],
    elided: { name: "total", line: "            $total += $price;" },
    inString: "// not a comment: part of the banner",
  },
]

// TypeScript fixtures end in .txt so that `tsc -p .` leaves them alone; the path given says what they are.
const compress = (text: string, file: string, strategy: (typeof STRATEGIES)[number]) =>
  store.compress(text, { strategy, path: file.replace(/\.txt$/, ""), stages: [codeCompressor] })

const linesOf = (text: string) => new Set(text.split("\n"))

describe.each(CASES)("$file", ({ file, language, signatures, elided, inString }) => {
  const source = fixture(file)

  test("fixture lists real signature lines", () => {
    const lines = linesOf(source)
    for (const signature of signatures) expect(lines.has(signature)).toBe(true)
  })

  test.each(STRATEGIES)("%s keeps every signature line and redeems every marker", async (strategy) => {
    const { text, summary } = await compress(source, file, strategy)
    expect(summary.language).toBe(language)
    const lines = linesOf(text)
    for (const signature of signatures) expect(lines.has(signature)).toBe(true)
    const original = source.split("\n")
    for (const [i, redeemed] of (await redeemAll(store, text)).entries()) {
      const { range } = parseMarkers(text)[i]!
      expect(redeemed).toBe(original.slice(range!.from - 1, range!.to).map((l) => `${l}\n`).join(""))
    }
  })

  test("balanced replaces a long body by one marker naming it; conservative keeps it", async () => {
    const balanced = await compress(source, file, "balanced")
    expect(balanced.summary.transforms).toContain("code")
    expect(linesOf(balanced.text).has(elided.line)).toBe(false)
    expect(balanced.text).toMatch(new RegExp(`\\[… \\d+ lines: body of ${elided.name} · retrieve [0-9a-f]{12}:\\d+-\\d+\\]`))
    const conservative = await compress(source, file, "conservative")
    expect(linesOf(conservative.text).has(elided.line)).toBe(true)
  })

  if (inString !== undefined) {
    test("a comment-like line inside a multi-line string is content, not a comment", async () => {
      for (const strategy of ["conservative", "balanced"] as const) {
        expect(linesOf((await compress(source, file, strategy)).text).has(inString)).toBe(true)
      }
    })
  }
})
