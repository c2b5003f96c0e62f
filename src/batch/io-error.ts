/** A file system error as a reason a user reads ("permission denied"), not an errno dump. */
export const ioReason = (e: unknown): string => {
  const code = (e as { code?: string })?.code
  if (code === "ENOENT") return "no such file or directory"
  if (code === "EACCES" || code === "EPERM") return "permission denied"
  if (code === "EISDIR") return "is a directory"
  if (code === "ENOTDIR") return "a parent is not a directory"
  if (code === "ELOOP") return "too many levels of symbolic links"
  if (code === "ENOSPC") return "no space left on device"
  return e instanceof Error ? e.message : String(e)
}
