"""The lab's command line: the options, groups and help layout of the seed lab's container."""
import argparse

CLASSIFIERS = ("logistic", "svm", "forest")
SCORINGS = ("accuracy", "precision", "recall", "f1", "roc_auc", "matthews_corrcoef")
SPLITS = ("skf", "shuffle")


def at_least(minimum):
    """An argparse type for whole numbers of at least `minimum`, with a message that says so."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is too small: give at least {minimum}")
        return value

    parse.__name__ = "int"
    return parse


def build_parser():
    """The argument parser; `--help` is what ReproLab turns into a run form."""
    parser = argparse.ArgumentParser(
        prog="sklearn-lab",
        description=(
            "Breast cancer diagnosis with scikit-learn: tunes a classifier on the Wisconsin "
            "Diagnostic Breast Cancer data with a randomized or grid search and repeated "
            "cross-validation, and writes args.yaml, cv_results.csv and model.joblib to the "
            "output directory."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )

    paths = parser.add_argument_group("paths")
    paths.add_argument("--input-dir", type=str, required=True,
                       help="Directory holding breast_cancer.csv (required). The image ships one in /opt/lab/data.")
    paths.add_argument("--output-dir", type=str, required=True,
                       help="Output directory to save the results (required).")

    preprocessing = parser.add_argument_group("preprocessing")
    preprocessing.add_argument("--standardize", action=argparse.BooleanOptionalAction, default=True,
                               help="Scale every feature to zero mean and unit variance, fitted on each training fold.")

    model = parser.add_argument_group("model")
    model.add_argument("--classifier", type=str, choices=CLASSIFIERS, default="logistic",
                       help="Classifier to use: logistic regression, an RBF-kernel SVM or a random forest.")

    training = parser.add_argument_group("training")
    training.add_argument("--search-strategy", type=str, choices=("grid", "random"), default="random",
                          help="Search strategy for hyperparameter tuning.")
    training.add_argument("--num-search-iterations", type=at_least(1), default=10,
                          help="Number of iterations for random search. Only used if search strategy is 'random'.")

    evaluation = parser.add_argument_group("evaluation")
    evaluation.add_argument("--scoring", type=str, nargs="+", choices=SCORINGS, default=["accuracy"],
                            help="Scoring metrics to evaluate the model performance. The first metric will be used "
                                 "for hyperparameter tuning. Precision, recall and f1 treat malignant as positive.")
    evaluation.add_argument("--split", type=str, choices=SPLITS, default="skf",
                            help="Cross-validation strategy to use. 'skf' for repeated stratified k-fold, 'shuffle' "
                                 "for stratified shuffle splits that each hold out 1/num-folds of the data.")
    evaluation.add_argument("--num-folds", type=at_least(2), default=5,
                            help="Number of folds for cross-validation.")
    evaluation.add_argument("--num-cv-repeats", type=at_least(1), default=1,
                            help="Number of random repetitions of the cross-validation.")

    runtime = parser.add_argument_group("runtime")
    runtime.add_argument("--num-jobs", type=int, default=1,
                         help="Number of jobs to run in parallel for hyperparameter tuning (-1 for all cores).")
    runtime.add_argument("--random-state", type=int, default=None,
                         help="Random state for reproducibility: it sets the splits, the search and the model.")
    runtime.add_argument("--verbose", type=int, default=0,
                         help="Set verbosity level for output during runtime.")
    return parser
