#!/bin/bash
# Starts the real services the integration tests talk to, all on loopback, as root on Debian 12:
#   OpenSSH server on 127.0.0.1:$SSHD_PORT for the unprivileged user "tester" (key, password,
#   keyboard-interactive through PAM, sftp, TCP forwarding);
#   single-node Slurm 22.05 (munge, slurmctld, slurmd, slurmdbd on MariaDB, so plain sacct works);
#   Jupyter Server on 127.0.0.1:$JUPYTER_PORT with a token.
# Writes what tests need to $REPROLAB_SERVICES/services.json. test/services/down.sh stops it all by PID.
# Packages come from scripts/install-test-deps.sh.
set -euo pipefail
S=${REPROLAB_SERVICES:-/tmp/reprolab-services}
SSHD_PORT=${SSHD_PORT:-2222}
JUPYTER_PORT=${JUPYTER_PORT:-8899}
here=$(cd "$(dirname "$0")" && pwd)
"$here/down.sh" >/dev/null 2>&1 || true
rm -rf "$S"; mkdir -p "$S"; chmod 755 "$S"
t0=$(date +%s.%N)
wait_port() { for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; echo "port $1 did not open" >&2; return 1; }

# --- sshd -----------------------------------------------------------------------------------------
id tester >/dev/null 2>&1 || useradd -m -s /bin/bash tester
echo 'tester:testpass' | chpasswd
mkdir -p /run/sshd && chmod 755 /run/sshd
ssh-keygen -q -t ed25519 -N '' -C reprolab-test-host -f "$S/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C reprolab-test-client -f "$S/client_key"
install -d -m 700 -o tester -g tester /home/tester/.ssh
install -m 600 -o tester -g tester "$S/client_key.pub" /home/tester/.ssh/authorized_keys
cat > "$S/sshd_config" <<CONF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $S/host_ed25519
PidFile $S/sshd.pid
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
AllowTcpForwarding yes
Subsystem sftp internal-sftp
PermitRootLogin no
MaxSessions 64
MaxStartups 64:30:128
LogLevel VERBOSE
CONF
# A second key, encrypted with a passphrase, for the passphrase prompt.
ssh-keygen -q -t ed25519 -N 'correct horse battery' -C reprolab-test-encrypted -f "$S/client_key_encrypted"
cat "$S/client_key.pub" "$S/client_key_encrypted.pub" > /home/tester/.ssh/authorized_keys
chown tester:tester /home/tester/.ssh/authorized_keys; chmod 600 /home/tester/.ssh/authorized_keys
/usr/sbin/sshd -t -f "$S/sshd_config"
# Three sshds from one config (each daemonises, PID in its own file):
#   $SSHD_PORT      the login node: key, password and keyboard-interactive (PAM);
#   $((SSHD_PORT+1)) a login node with a second factor: a key, then keyboard-interactive;
#   $((SSHD_PORT+2)) password without keyboard-interactive, and the jump host for ProxyJump.
/usr/sbin/sshd -f "$S/sshd_config" -E "$S/sshd.log"
/usr/sbin/sshd -f "$S/sshd_config" -E "$S/sshd-mfa.log" -o Port=$((SSHD_PORT + 1)) -o PidFile="$S/sshd-mfa.pid" \
  -o AuthenticationMethods=publickey,keyboard-interactive
/usr/sbin/sshd -f "$S/sshd_config" -E "$S/sshd-jump.log" -o Port=$((SSHD_PORT + 2)) -o PidFile="$S/sshd-jump.pid" \
  -o KbdInteractiveAuthentication=no
wait_port "$SSHD_PORT"; wait_port $((SSHD_PORT + 1)); wait_port $((SSHD_PORT + 2))
# A known_hosts line for the test host key, as `ssh-keyscan` would print it.
for p in "$SSHD_PORT" $((SSHD_PORT + 1)) $((SSHD_PORT + 2)); do
  echo "[127.0.0.1]:$p $(cut -d' ' -f1,2 "$S/host_ed25519.pub")"
done > "$S/known_hosts"

# --- Slurm with accounting ------------------------------------------------------------------------
[ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
install -d -o munge -g munge -m 755 /run/munge
runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
cp /run/munge/munged.pid "$S/munged.pid"
munge -n | unmunge >/dev/null
mkdir -p /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=reprolab
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=300
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=6819
JobAcctGatherType=jobacct_gather/linux
NodeName=localhost CPUs=2 Sockets=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
install -d -o mysql -g mysql /run/mysqld
setsid mariadbd --user=mysql --bind-address=127.0.0.1 >"$S/mariadb.log" 2>&1 &
echo $! > "$S/mariadb.pid"
for _ in $(seq 1 150); do mariadb -e 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
mariadb -e 'select 1' >/dev/null || { tail -5 "$S/mariadb.log" >&2; echo "mariadb did not start" >&2; exit 1; }
mariadb -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurmpw';
            GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"
cat > /etc/slurm/slurmdbd.conf <<CONF
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=root
LogFile=/var/log/slurm/slurmdbd.log
PidFile=$S/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=slurmpw
StorageLoc=slurm_acct_db
CONF
chmod 600 /etc/slurm/slurmdbd.conf
slurmdbd
wait_port 6819
slurmctld -c     # -c: empty job state, so job ids start again at 1 on every run
slurmd -N localhost
for _ in $(seq 1 150); do sinfo -h -o %t 2>/dev/null | grep -qx idle && break; sleep 0.2; done
sinfo -h -o %t | grep -qx idle || { echo "slurm node did not become idle" >&2; exit 1; }

# --- Images and the Apptainer stand-in ------------------------------------------------------------
# Apptainer cannot be installed here: the tests' stand-in (test/standin/apptainer, never shipped)
# is put on every user's PATH, and a folder of real SIF images is readable by the test user.
install -m 755 "$here/../standin/apptainer" /usr/local/bin/apptainer
mkdir -p "$S/images"
bash "$here/../images/build-lab-image.sh" "$S/images/lab.sif"
# Python with jupyter-server, ipykernel and pypdf, for the notebook that runs as a Slurm job.
bash "$here/../images/build-jupyter-image.sh" "$S/images/notebook.sif"
# The example lab (examples/sklearn-lab): real scikit-learn in a real image, and its data on the host.
bash "$here/../../examples/sklearn-lab/build-sif.sh" "$S/images/sklearn-lab.sif"
install -d -m 755 "$S/example-data" && install -m 644 "$here/../../examples/sklearn-lab/data/breast_cancer.csv" "$S/example-data/"
cp "$here/../fixtures/sif/"*.sif "$S/images/"
chmod 755 "$S/images"; chmod 644 "$S/images/"*.sif
# The stand-in's registry, for `apptainer pull docker://reprolab/lab:1.0`.
install -d -m 755 /var/lib/reprolab-standin/registry/docker/reprolab/lab
install -m 644 "$S/images/lab.sif" /var/lib/reprolab-standin/registry/docker/reprolab/lab/1.0.sif

# --- Jupyter Server -------------------------------------------------------------------------------
JUPYTER_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$S/notebooks"
setsid /usr/bin/jupyter-server --allow-root --ServerApp.ip=127.0.0.1 --ServerApp.port="$JUPYTER_PORT" \
  --ServerApp.port_retries=0 --ServerApp.token="$JUPYTER_TOKEN" --ServerApp.open_browser=False \
  --ServerApp.root_dir="$S/notebooks" >"$S/jupyter.log" 2>&1 &
echo $! > "$S/jupyter.pid"
for _ in $(seq 1 300); do curl -sf -H "Authorization: token $JUPYTER_TOKEN" "http://127.0.0.1:$JUPYTER_PORT/api/status" >/dev/null && break; sleep 0.2; done
curl -sf -H "Authorization: token $JUPYTER_TOKEN" "http://127.0.0.1:$JUPYTER_PORT/api/status" >/dev/null \
  || { tail -20 "$S/jupyter.log" >&2; echo "jupyter did not answer" >&2; exit 1; }

cat > "$S/services.json" <<JSON
{
  "ssh": { "host": "127.0.0.1", "port": $SSHD_PORT, "mfaPort": $((SSHD_PORT + 1)), "jumpPort": $((SSHD_PORT + 2)),
           "user": "tester", "password": "testpass", "privateKey": "$S/client_key",
           "encryptedKey": "$S/client_key_encrypted", "passphrase": "correct horse battery",
           "hostPublicKey": "$S/host_ed25519.pub", "knownHosts": "$S/known_hosts",
           "logs": { "main": "$S/sshd.log", "mfa": "$S/sshd-mfa.log", "jump": "$S/sshd-jump.log" } },
  "slurm": { "partition": "debug", "cluster": "reprolab" },
  "images": { "folder": "$S/images", "lab": "$S/images/lab.sif", "notebook": "$S/images/notebook.sif",
              "example": "$S/images/sklearn-lab.sif", "exampleData": "$S/example-data" },
  "jupyter": { "url": "http://127.0.0.1:$JUPYTER_PORT", "token": "$JUPYTER_TOKEN" }
}
JSON
chmod 644 "$S/services.json"
awk -v t0="$t0" -v t1="$(date +%s.%N)" -v s="$S" -v sp="$SSHD_PORT" -v jp="$JUPYTER_PORT" \
  'BEGIN { printf "[services] sshd :%s, slurm with slurmdbd, jupyter :%s up in %.1f s; state in %s\n", sp, jp, t1 - t0, s }'
