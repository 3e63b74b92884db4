"""Classifiers, their search spaces and the hyperparameter search."""
import logging

from scipy.stats import loguniform, randint, uniform
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

logger = logging.getLogger(__name__)

# Each classifier with its grid (grid search) and its distributions (random search).
SPACES = {
    "logistic": (
        {"classifier__C": [10.0 ** k for k in range(-4, 5)]},
        {"classifier__C": loguniform(1e-4, 1e4)},
    ),
    "svm": (
        {"classifier__C": [0.1, 1.0, 10.0, 100.0], "classifier__gamma": ["scale", 0.001, 0.01, 0.1]},
        {"classifier__C": loguniform(1e-2, 1e3), "classifier__gamma": loguniform(1e-4, 1e0)},
    ),
    "forest": (
        {"classifier__n_estimators": [25, 50], "classifier__max_depth": [None, 4, 8], "classifier__max_features": ["sqrt", 0.5]},
        {"classifier__n_estimators": randint(10, 60), "classifier__max_depth": [None, 2, 4, 6, 8],
         "classifier__max_features": uniform(0.1, 0.8), "classifier__min_samples_leaf": randint(1, 8)},
    ),
}


def create_classifier(name, random_state):
    """An unfitted classifier; `random_state` fixes whatever it draws at random."""
    if name == "logistic":
        return LogisticRegression(max_iter=1000, random_state=random_state)
    if name == "svm":
        return SVC(kernel="rbf", random_state=random_state)
    return RandomForestClassifier(random_state=random_state)


def create_search(args, cv, model_state, search_state):
    """The grid or randomized search over a (scaler, classifier) pipeline, refitting on the first metric."""
    logger.info("Creating search with classifier: %s", args.classifier)
    logger.info("Search strategy: %s", args.search_strategy)
    logger.info("Scoring: %s", args.scoring)
    pipeline = Pipeline([
        ("scaler", StandardScaler() if args.standardize else "passthrough"),
        ("classifier", create_classifier(args.classifier, model_state)),
    ])
    grid, distributions = SPACES[args.classifier]
    common = dict(cv=cv, scoring=list(args.scoring), refit=args.scoring[0], n_jobs=args.num_jobs, verbose=args.verbose)
    if args.search_strategy == "grid":
        return GridSearchCV(pipeline, grid, **common)
    logger.info("Number of search iterations: %d", args.num_search_iterations)
    return RandomizedSearchCV(pipeline, distributions, n_iter=args.num_search_iterations, random_state=search_state, **common)
