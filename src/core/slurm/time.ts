/** Slurm's time formats: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS; UNLIMITED; INVALID. */

/** Seconds in a Slurm time, or undefined for UNLIMITED, INVALID, N/A and anything unreadable. */
export function parseSlurmTime(text: string): number | undefined {
  const t = text.trim();
  const days = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/.exec(t);
  if (days) return Number(days[1]) * 86400 + Number(days[2]) * 3600 + Number(days[3] ?? 0) * 60 + Number(days[4] ?? 0);
  const parts = /^(\d+)(?::(\d+))?(?::(\d+))?$/.exec(t);
  if (!parts) return undefined;
  // MM, MM:SS and HH:MM:SS
  if (parts[3] !== undefined) return Number(parts[1]) * 3600 + Number(parts[2]) * 60 + Number(parts[3]);
  if (parts[2] !== undefined) return Number(parts[1]) * 60 + Number(parts[2]);
  return Number(parts[1]) * 60;
}

/** Whether sbatch --time accepts the text. */
export function isSlurmTime(text: string): boolean {
  return parseSlurmTime(text) !== undefined || /^(UNLIMITED|INFINITE)$/i.test(text.trim());
}
