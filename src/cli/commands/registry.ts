import type { CommandSpec } from "../args.ts"
import { compressCommand } from "./compress/schema.ts"
import { expandCommand } from "./expand/schema.ts"
import { retrieveCommand } from "./retrieve/schema.ts"

/** Every command's spec, in the order help lists them. Each runs from its own folder. */
export const COMMANDS: ReadonlyArray<CommandSpec> = [compressCommand, retrieveCommand, expandCommand]
