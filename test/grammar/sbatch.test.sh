# SYNTAX TEST "source.shell" "#SBATCH directives in a Slurm batch script"
#!/bin/bash
#SBATCH --job-name=abide-seed-0
# <- comment.line.number-sign.shell meta.directive.sbatch punctuation.definition.comment.shell
#^^^^^^ meta.directive.sbatch keyword.other.directive.sbatch
#       ^^^^^^^^^^ variable.parameter.option.sbatch
#                 ^ keyword.operator.assignment.sbatch
#                  ^^^^^^^^^^^^ string.unquoted.value.sbatch
#SBATCH --time 02:00:00 --mem=16G   # two hours
#       ^^^^^^ variable.parameter.option.sbatch
#              ^^^^^^^^ string.unquoted.value.sbatch
#                       ^^^^^ variable.parameter.option.sbatch
#                             ^^^ string.unquoted.value.sbatch
#                                   ^^^^^^^^^^^ comment.line.number-sign.sbatch
#SBATCH -p gpu -N1 --gres=gpu:1
#       ^^ variable.parameter.option.sbatch
#          ^^^ string.unquoted.value.sbatch
#              ^^ variable.parameter.option.sbatch
#                ^ string.unquoted.value.sbatch
#SBATCH --output="logs/%x-%j.out"
#                ^^^^^^^^^^^^^^^^ string.unquoted.value.sbatch
# SBATCH is off when a space follows the hash
# <- comment.line.number-sign.shell - meta.directive.sbatch
#^^^^^^^ comment.line.number-sign.shell - keyword.other.directive.sbatch
  #SBATCH --mem=1G
# ^^^^^^^^^^^^^^^^ comment.line.number-sign.shell - meta.directive.sbatch
module load apptainer
# <------ - meta.directive.sbatch
echo "#SBATCH --not-a-directive"
#     ^^^^^^^ string.quoted.double.shell - keyword.other.directive.sbatch
srun apptainer run --nv lab.sif --random-state 0
