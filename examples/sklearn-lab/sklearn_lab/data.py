"""The Wisconsin Diagnostic Breast Cancer data, read from the input directory."""
import logging
import os

import pandas as pd

logger = logging.getLogger(__name__)

FILE_NAME = "breast_cancer.csv"
TARGET = "diagnosis"


class InputError(Exception):
    """An input directory the lab cannot use; the message says what to pass instead."""


def load_dataset(input_dir):
    """Features and labels (1 = malignant, the class the metrics treat as positive)."""
    path = os.path.join(input_dir, FILE_NAME)
    if not os.path.isfile(path):
        raise InputError(f"{path} does not exist: pass --input-dir the folder that holds {FILE_NAME} "
                         f"(the image ships one in /opt/lab/data)")
    logger.info("Loading %s...", path)
    frame = pd.read_csv(path)
    if TARGET not in frame.columns or not frame[TARGET].isin(["M", "B"]).all():
        raise InputError(f"{path} needs a {TARGET} column of M (malignant) and B (benign)")
    features = frame.drop(columns=TARGET)
    labels = (frame[TARGET] == "M").astype(int).to_numpy()
    logger.info("Loaded %d samples with %d features (%d malignant).", len(frame), features.shape[1], labels.sum())
    return features, labels
