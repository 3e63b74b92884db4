"""sklearn-lab: tune a scikit-learn classifier with cross-validation and save what the run did."""
import logging
import os
import sys

import joblib
import numpy as np
import pandas as pd
import yaml

from sklearn_lab.data import InputError, load_dataset
from sklearn_lab.evaluation import create_splitter
from sklearn_lab.modeling import create_search
from sklearn_lab.parsing import build_parser

logger = logging.getLogger("main")


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] {%(filename)s:%(funcName)s:%(lineno)d} %(levelname)s - %(message)s")
    logger.info("Initializing training...")
    try:
        features, labels = load_dataset(args.input_dir)
    except InputError as err:
        parser.error(str(err))
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, "args.yaml"), "w") as f:
        yaml.dump(vars(args), f)

    # One seed sets everything: the splits, the search's draws and the model each get a number from it.
    rng = np.random.RandomState(args.random_state)
    split_state, search_state, model_state = (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=3))
    logger.info("Random state: %s", args.random_state)
    splitter = create_splitter(args.split, args.num_folds, args.num_cv_repeats, split_state)
    search = create_search(args, splitter, model_state, search_state)
    search.fit(features, labels)

    pd.DataFrame(search.cv_results_).to_csv(os.path.join(args.output_dir, "cv_results.csv"), index=False)
    joblib.dump(search.best_estimator_, os.path.join(args.output_dir, "model.joblib"))
    best = search.cv_results_
    metric = args.scoring[0]
    logger.info("Best %s: %.4f ± %.4f with %s", metric, best[f"mean_test_{metric}"][search.best_index_],
                best[f"std_test_{metric}"][search.best_index_], search.best_params_)
    logger.info("Finished training.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
