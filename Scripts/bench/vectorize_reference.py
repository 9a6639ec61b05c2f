"""Reference for Scripts/bench/vectorize.sh: the Python pipeline n2d-mpi's `vectorize` reproduces.

Reads the IMDB CSV, cleans the reviews it uses as the reference pipeline does (remove <.*?> tags, split on
whitespace, drop scikit-learn's English stop words case-sensitively, join with spaces), splits with
train_test_split(test_size, random_state=seed), fits CountVectorizer(stop_words='english',
max_features) on the cleaned training half and transforms the first `validation_rows` of the test half.
Prints one JSON line: seconds and the matrix shape, so the benchmark can check both sides agree.
"""
import argparse
import csv
import json
import re
import sys
import time

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.model_selection import train_test_split

TAG = re.compile(r"<.*?>")


def clean(text):
    return " ".join(word for word in TAG.sub("", text).split() if word not in ENGLISH_STOP_WORDS)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--max-features", type=int, default=5000)
    parser.add_argument("--test-size", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--validation-rows", type=int, default=2000)
    args = parser.parse_args()

    start = time.perf_counter()
    csv.field_size_limit(sys.maxsize)
    with open(args.input, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        column = next(reader).index("review")
        reviews = [row[column] for row in reader]
    # Like n2d-mpi, clean only the rows that are used: the training half and the validation rows.
    train, test = train_test_split(range(len(reviews)), test_size=args.test_size, random_state=args.seed)
    vectorizer = CountVectorizer(lowercase=True, stop_words="english", max_features=args.max_features)
    matrix = vectorizer.fit_transform([clean(reviews[i]) for i in train])
    validation = vectorizer.transform([clean(reviews[i]) for i in test[: args.validation_rows]])
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rows": matrix.shape[0], "columns": matrix.shape[1],
                      "non_zeros": int(matrix.nnz), "validation_non_zeros": int(validation.nnz)}))


if __name__ == "__main__":
    main()
