/**
 * sbatch's options as its getopt table has them (Slurm 22.05's sbatch(1) and `sbatch --help`, plus
 * the few options later releases added): long name, short letter, whether it takes a value, and a
 * one-line description for hover and completion.
 */

/** `value`: required (`--time=1:00` or `--time 1:00`); `optional`: only as `--name=value`; `flag`: none. */
export type SbatchArgument = 'value' | 'optional' | 'flag';

export interface SbatchOption {
  name: string;
  short?: string;
  argument: SbatchArgument;
  description: string;
  /** What the value looks like, for completion and hover. */
  placeholder?: string;
}

type Row = [name: string, short: string, argument: SbatchArgument, description: string, placeholder?: string];

const ROWS: Row[] = [
  ['account', 'A', 'value', 'Charge the job to this account.', 'account'],
  ['acctg-freq', '', 'value', 'Accounting and profiling sampling intervals, such as task=30.', 'datatype=interval'],
  ['array', 'a', 'value', 'Submit a job array: indexes such as 0-15, 1,3,5 or 0-15%4 (at most 4 at once).', 'indexes'],
  ['batch', '', 'value', 'Node features the batch step\'s node must have (a subset of --constraint).', 'features'],
  ['bb', '', 'value', 'Burst buffer specification.', 'spec'],
  ['bbf', '', 'value', 'File holding the burst buffer specification.', 'file'],
  ['begin', 'b', 'value', 'Start the job no earlier than this time, such as 16:00 or now+1hour.', 'time'],
  ['chdir', 'D', 'value', 'Working folder of the batch script.', 'directory'],
  ['cluster-constraint', '', 'value', 'Features a federated cluster must have to get a sibling job.', 'list'],
  ['clusters', 'M', 'value', 'Clusters to submit to (comma-separated).', 'names'],
  ['comment', '', 'value', 'An arbitrary comment on the job.', 'text'],
  ['constraint', 'C', 'value', 'Node features the job needs, such as "gpu&a100".', 'features'],
  ['container', '', 'value', 'Absolute path of an OCI container bundle to run the job in.', 'path'],
  ['container-id', '', 'value', 'Id of the OCI container (Slurm 23.11 and later).', 'id'],
  ['contiguous', '', 'flag', 'Allocated nodes must form a contiguous set.'],
  ['core-spec', 'S', 'value', 'Cores per node reserved for system use.', 'cores'],
  ['cores-per-socket', '', 'value', 'Only nodes with at least this many cores per socket.', 'cores'],
  ['cpu-freq', '', 'value', 'CPU frequency (and governor) for the job\'s steps.', 'min[-max[:governor]]'],
  ['cpus-per-gpu', '', 'value', 'CPUs per allocated GPU.', 'ncpus'],
  ['cpus-per-task', 'c', 'value', 'CPUs per task (threads for one process).', 'ncpus'],
  ['deadline', '', 'value', 'Remove the job if it cannot end before this time.', 'time'],
  ['delay-boot', '', 'value', 'Minutes to wait before rebooting nodes for the job\'s features.', 'minutes'],
  ['dependency', 'd', 'value', 'Start after other jobs, such as afterok:12345.', 'type:jobid'],
  ['distribution', 'm', 'value', 'How tasks are laid out over nodes and sockets (block, cyclic, plane=N).', 'type'],
  ['error', 'e', 'value', 'File for the script\'s standard error (%j job id, %x job name, %A_%a array).', 'file'],
  ['exclude', 'x', 'value', 'Nodes not to run on.', 'nodes'],
  ['exclusive', '', 'optional', 'Do not share nodes with other jobs (=user: with other users\' jobs, =mcs).', 'user|mcs'],
  ['export', '', 'value', 'Environment variables passed to the job: ALL, NONE or NAME[=value],...', 'ALL|NONE|names'],
  ['export-file', '', 'value', 'File (or descriptor) of NAME=value lines to export.', 'file'],
  ['extra', '', 'value', 'Arbitrary string for node feature filtering (Slurm 23.02 and later).', 'string'],
  ['extra-node-info', 'B', 'value', 'Sockets, cores per socket and threads per core to select nodes by.', 'S[:C[:T]]'],
  ['get-user-env', '', 'optional', 'Load the login environment of the --uid user.', 'timeout'],
  ['gid', '', 'value', 'Group to run the job as (root only).', 'group'],
  ['gpu-bind', '', 'value', 'How tasks are bound to GPUs.', 'type'],
  ['gpu-freq', '', 'value', 'GPU frequency for the job.', 'value'],
  ['gpus', 'G', 'value', 'GPUs for the whole job, optionally typed: 2 or a100:2.', '[type:]number'],
  ['gpus-per-node', '', 'value', 'GPUs per node, optionally typed.', '[type:]number'],
  ['gpus-per-socket', '', 'value', 'GPUs per socket, optionally typed.', '[type:]number'],
  ['gpus-per-task', '', 'value', 'GPUs per task, optionally typed.', '[type:]number'],
  ['gres', '', 'value', 'Generic resources per node, such as gpu:1 or gpu:a100:2.', 'list'],
  ['gres-flags', '', 'value', 'Generic resource binding options (enforce-binding, disable-binding).', 'type'],
  ['help', 'h', 'flag', 'Show sbatch\'s help and exit.'],
  ['hint', '', 'value', 'Task binding hint: compute_bound, memory_bound, multithread, nomultithread.', 'type'],
  ['hold', 'H', 'flag', 'Submit the job held (release it with scontrol release).'],
  ['ignore-pbs', '', 'flag', 'Ignore #PBS and #BSUB lines in the script.'],
  ['input', 'i', 'value', 'File for the script\'s standard input.', 'file'],
  ['job-name', 'J', 'value', 'Name of the job in squeue and sacct (default: the script\'s name).', 'name'],
  ['kill-on-invalid-dep', '', 'value', 'Cancel the job when its dependency can never be met.', 'yes|no'],
  ['licenses', 'L', 'value', 'Licenses the job needs, such as matlab:1.', 'license[:count]'],
  ['mail-type', '', 'value', 'When to send mail: NONE, BEGIN, END, FAIL, REQUEUE, ALL, TIME_LIMIT_90, ...', 'type'],
  ['mail-user', '', 'value', 'Who gets the mail of --mail-type.', 'address'],
  ['mcs-label', '', 'value', 'MCS label (mcs/group plugin only).', 'label'],
  ['mem', '', 'value', 'Memory per node, in megabytes or with K, M, G or T: 16G (0 means all of it).', 'size[K|M|G|T]'],
  ['mem-bind', '', 'value', 'How tasks are bound to memory.', 'type'],
  ['mem-per-cpu', '', 'value', 'Memory per allocated CPU, in megabytes or with K, M, G or T.', 'size[K|M|G|T]'],
  ['mem-per-gpu', '', 'value', 'Memory per allocated GPU, in megabytes or with K, M, G or T.', 'size[K|M|G|T]'],
  ['mincpus', '', 'value', 'At least this many CPUs per node.', 'n'],
  ['network', '', 'value', 'Switch or network options.', 'type'],
  ['nice', '', 'optional', 'Lower the job\'s priority by this much (default 100).', 'adjustment'],
  ['no-kill', 'k', 'optional', 'Keep the job running when one of its nodes fails.', 'off'],
  ['no-requeue', '', 'flag', 'Never requeue the job.'],
  ['nodefile', 'F', 'value', 'File listing the nodes to run on.', 'file'],
  ['nodelist', 'w', 'value', 'Nodes to run on.', 'nodes'],
  ['nodes', 'N', 'value', 'Number of nodes, or a range min-max.', 'min[-max]'],
  ['ntasks', 'n', 'value', 'Number of tasks (processes) the job\'s steps launch.', 'number'],
  ['ntasks-per-core', '', 'value', 'At most this many tasks per core.', 'ntasks'],
  ['ntasks-per-gpu', '', 'value', 'Tasks per GPU.', 'ntasks'],
  ['ntasks-per-node', '', 'value', 'Tasks per node.', 'ntasks'],
  ['ntasks-per-socket', '', 'value', 'At most this many tasks per socket.', 'ntasks'],
  ['oom-kill-step', '', 'optional', 'Kill the whole step when one task runs out of memory (Slurm 24.11 and later).', '0|1'],
  ['open-mode', '', 'value', 'Append to or truncate the output and error files.', 'append|truncate'],
  ['output', 'o', 'value', 'File for the script\'s standard output (%j job id, %x job name, %A_%a array).', 'file'],
  ['overcommit', 'O', 'flag', 'Run more tasks than CPUs.'],
  ['oversubscribe', 's', 'flag', 'Share resources with other jobs.'],
  ['parsable', '', 'flag', 'Print only the job id (and cluster) on submission.'],
  ['partition', 'p', 'value', 'Partition (queue) to run in; several are separated by commas.', 'partition'],
  ['power', '', 'value', 'Power management options.', 'flags'],
  ['prefer', '', 'value', 'Node features preferred but not required.', 'features'],
  ['priority', '', 'value', 'A specific job priority (operators only).', 'value'],
  ['profile', '', 'value', 'Profiling data to collect: all, none, energy, task, lustre, network.', 'type'],
  ['propagate', '', 'optional', 'Resource limits (ulimits) passed to the job.', 'rlimits'],
  ['qos', 'q', 'value', 'Quality of service for the job.', 'qos'],
  ['quiet', 'Q', 'flag', 'Print only errors.'],
  ['reboot', '', 'flag', 'Reboot the nodes before the job starts.'],
  ['requeue', '', 'flag', 'Allow the job to be requeued.'],
  ['reservation', '', 'value', 'Run in this reservation.', 'name'],
  ['signal', '', 'value', 'Send a signal this many seconds before the time limit, such as USR1@90.', '[R|B:]sig[@time]'],
  ['sockets-per-node', '', 'value', 'Only nodes with at least this many sockets.', 'sockets'],
  ['spread-job', '', 'flag', 'Spread the job over as many nodes as possible.'],
  ['switches', '', 'value', 'Most leaf switches wanted, and how long to wait for them.', 'count[@max-time]'],
  ['tasks-per-node', '', 'value', 'Tasks per node (an older name of --ntasks-per-node).', 'ntasks'],
  ['test-only', '', 'flag', 'Check the script and estimate when it would start, without submitting it.'],
  ['thread-spec', '', 'value', 'Threads per node reserved for system use.', 'threads'],
  ['threads-per-core', '', 'value', 'Only nodes with at least this many threads per core.', 'threads'],
  ['time', 't', 'value', 'Time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED.', 'time'],
  ['time-min', '', 'value', 'Smallest time limit the job accepts (lets it start sooner).', 'time'],
  ['tmp', '', 'value', 'Temporary disk space per node, in megabytes or with K, M, G or T.', 'size[K|M|G|T]'],
  ['tres-per-task', '', 'value', 'Trackable resources per task, such as cpu:4 (Slurm 23.11 and later).', 'list'],
  ['uid', '', 'value', 'User to run the job as (root only).', 'user'],
  ['usage', '', 'flag', 'Show a brief usage message and exit.'],
  ['use-min-nodes', '', 'flag', 'Prefer the smaller node count of a range.'],
  ['verbose', 'v', 'flag', 'More messages from sbatch.'],
  ['version', 'V', 'flag', 'Show the Slurm version and exit.'],
  ['wait', 'W', 'flag', 'Return only when the job ends, with its exit code.'],
  ['wait-all-nodes', '', 'value', 'Start the script only when every node has booted (1) or at once (0).', '0|1'],
  ['wckey', '', 'value', 'Workload characterisation key.', 'wckey'],
  ['wrap', '', 'value', 'Wrap a command string in a shell script (command line only).', 'command'],
];

export const SBATCH_OPTIONS: SbatchOption[] = ROWS.map(([name, short, argument, description, placeholder]) => ({
  name, argument, description, ...(short ? { short } : {}), ...(placeholder ? { placeholder } : {}),
}));

const BY_NAME = new Map(SBATCH_OPTIONS.map((o) => [o.name, o]));
const BY_SHORT = new Map(SBATCH_OPTIONS.filter((o) => o.short).map((o) => [o.short!, o]));

/** A long option as getopt finds it: the exact name, or a prefix of exactly one name. */
export function findLongOption(name: string): { option: SbatchOption } | { ambiguous: string[] } | undefined {
  const exact = BY_NAME.get(name);
  if (exact) return { option: exact };
  const matches = name ? SBATCH_OPTIONS.filter((o) => o.name.startsWith(name)) : [];
  if (matches.length === 1) return { option: matches[0] };
  return matches.length > 1 ? { ambiguous: matches.map((o) => o.name) } : undefined;
}

/** The option of a short letter such as `t`, if sbatch has one. */
export function findShortOption(letter: string): SbatchOption | undefined {
  return BY_SHORT.get(letter);
}
