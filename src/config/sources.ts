import type { SettingSource } from "./types.ts"

/** `default`, `flag --strategy`, `env HEADROOM_STRATEGY`, `project headroom-config.yaml:3:1`. */
export const describeSource = (source: SettingSource): string => {
  switch (source.kind) {
    case "default":
      return "default"
    case "flag":
      return `flag ${source.flag}`
    case "env":
      return `env ${source.variable}`
    case "file":
      return `${source.layer} ${source.file}:${source.line}:${source.column}`
    case "merged":
      return source.from.map(describeSource).join(" + ")
  }
}
