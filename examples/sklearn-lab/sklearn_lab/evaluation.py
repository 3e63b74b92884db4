"""Cross-validation splitters."""
import logging

from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedShuffleSplit

logger = logging.getLogger(__name__)


def create_splitter(split, num_folds, num_cv_repeats, random_state):
    """The splitter the search cross-validates with; `random_state` fixes every split."""
    logger.info("Creating %s cross-validation splitter...", split)
    logger.info("Number of folds: %d", num_folds)
    logger.info("Number of repeats: %d", num_cv_repeats)
    if split == "skf":
        return RepeatedStratifiedKFold(n_splits=num_folds, n_repeats=num_cv_repeats, random_state=random_state)
    return StratifiedShuffleSplit(n_splits=num_folds * num_cv_repeats, test_size=1 / num_folds, random_state=random_state)
