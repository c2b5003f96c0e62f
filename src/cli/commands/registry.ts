import type { CommandSpec } from "../args.ts"
import { compressCommand } from "./compress/schema.ts"
import { compressBatchCommand } from "./compress-batch/schema.ts"
import { configCommand } from "./config/schema.ts"
import { pluginsCommand } from "./plugins/schema.ts"
import { expandCommand } from "./expand/schema.ts"
import { proxyCommand } from "./proxy/schema.ts"
import { retrieveCommand } from "./retrieve/schema.ts"
import { rulesCommand } from "./rules/schema.ts"

/** Every command's spec, in the order help lists them. Each runs from its own folder. */
export const COMMANDS: ReadonlyArray<CommandSpec> = [compressCommand, compressBatchCommand, proxyCommand, retrieveCommand, expandCommand, configCommand, rulesCommand, pluginsCommand]
