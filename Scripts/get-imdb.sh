#!/usr/bin/env bash
# Downloads the Large Movie Review Dataset v1.0 (Maas et al., ACL 2011) from its publisher at
# Stanford, or takes a local copy of its archive, and writes the two-column CSV the IMDB preset
# reads: DEST_DIR/IMDB Dataset.csv (header review,sentiment; 50,000 rows).
#
# Usage: Scripts/get-imdb.sh [--archive FILE] [--force] [DEST_DIR]   (DEST_DIR defaults to data)
#
# The CSV: RFC 4180 quoting (a review holding a comma, a double quote, a CR or a newline is put in
# double quotes with its quotes doubled), LF line ends, UTF-8 bytes copied as they are, HTML such
# as <br /> kept (the pipeline's cleaning removes it); a final newline ending a review file is
# dropped. Values: positive (pos folders) / negative (neg folders).
#
# Row order: Stanford's train split, then its test split; within a split by review id, the
# positive review with id i directly before the negative review with id i. So sentiments
# alternate (every prefix is balanced) and the first 25,000 rows are exactly the train split.
# The widely used Kaggle "IMDB Dataset of 50K Movie Reviews" CSV holds the same reviews in a
# shuffled order whose seed is not published: that order cannot be reproduced, so anything that
# depends on row order (which rows a slice or a split takes) differs between the two files.
#
# Needs bash, coreutils, findutils, GNU tar, gzip, awk, and curl or wget for the download.
# IMDB_URL overrides the download address.
set -euo pipefail

readonly default_url="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
url="${IMDB_URL:-$default_url}"
archive=""
force=0
dest=""

die() {
    echo "get-imdb.sh: $*" >&2
    exit 1
}

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

while (($#)); do
    case "$1" in
        --archive)
            (($# >= 2)) || die "--archive needs a file: --archive path/to/aclImdb_v1.tar.gz"
            archive="$2"
            shift 2
            ;;
        --archive=*) archive="${1#--archive=}"; shift ;;
        --force) force=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *)
            [[ -z "$dest" ]] || die "one destination directory only (got '$dest' and '$1')"
            dest="$1"
            shift
            ;;
    esac
done
dest="${dest:-data}"
csv="$dest/IMDB Dataset.csv"

if [[ -e "$csv" && $force -eq 0 ]]; then
    echo "get-imdb.sh: $csv already exists; nothing to do (--force rebuilds it)"
    exit 0
fi
if [[ -n "$archive" && ! -r "$archive" ]]; then
    die "cannot read the archive $archive (give the path of aclImdb_v1.tar.gz)"
fi
mkdir -p "$dest" || die "cannot create the directory $dest"
work="$(mktemp -d "$dest/.get-imdb.XXXXXX")" || die "cannot create a work directory in $dest"
trap 'rm -rf "$work"' EXIT

if [[ -z "$archive" ]]; then
    archive="$work/aclImdb_v1.tar.gz"
    echo "get-imdb.sh: downloading $url (about 84 MB)" >&2
    if command -v curl >/dev/null; then
        fetch=(curl -fL --progress-bar --connect-timeout 20 --retry 2 -o "$archive" "$url")
    elif command -v wget >/dev/null; then
        fetch=(wget --timeout=20 --tries=3 -O "$archive" "$url")
    else
        fetch=()
    fi
    if ((${#fetch[@]} == 0)) || ! "${fetch[@]}" >&2; then
        die "could not download $url ($( ((${#fetch[@]})) && echo "no network access?" || echo "neither curl nor wget is installed")).
Download aclImdb_v1.tar.gz from https://ai.stanford.edu/~amaas/data/sentiment/ on a machine with
internet access, copy it here and run:
    Scripts/get-imdb.sh --archive path/to/aclImdb_v1.tar.gz $dest"
    fi
fi

splits=(train test)
labels=(pos neg)
members=()
for split in "${splits[@]}"; do
    for label in "${labels[@]}"; do members+=("aclImdb/$split/$label"); done
done
tar -xzf "$archive" -C "$work" "${members[@]}" 2>"$work/tar.err" ||
    die "$archive is not the Large Movie Review Dataset archive (it must hold the folders aclImdb/{train,test}/{pos,neg}): $(head -c 300 "$work/tar.err")"

# One line per review: split, id, label order, path; sorted, they give the row order above.
for s in "${!splits[@]}"; do
    for l in "${!labels[@]}"; do
        folder="$work/aclImdb/${splits[$s]}/${labels[$l]}"
        find "$folder" -type f -printf "$s\t$l\t%f\t%p\n"
    done
done >"$work/files.tsv"
bad="$(awk -F'\t' '$3 !~ /^[0-9]+_[0-9]+\.txt$/ { print $4; exit }' "$work/files.tsv")"
[[ -z "$bad" ]] || die "unexpected file name ${bad#"$work/"} (reviews are named ID_RATING.txt)"
empty="$(find "$work/aclImdb" -type f -empty -print -quit)"
[[ -z "$empty" ]] || die "empty review file ${empty#"$work/"} in $archive"
rows="$(wc -l <"$work/files.tsv")"
((rows > 0)) || die "$archive holds no reviews in aclImdb/{train,test}/{pos,neg}"

# awk reads the review files in row order; a new file (FNR == 1) ends the previous review.
# LC_ALL=C: bytes pass through untouched whatever their encoding.
convert='
function emit() {
    if (review ~ /[",\r\n]/) { gsub(/"/, "\"\"", review); review = "\"" review "\"" }
    print review "," sentiment
}
FNR == 1 {
    if (NR > 1) emit()
    review = $0
    sentiment = FILENAME ~ /\/pos\/[^\/]*$/ ? "positive" : "negative"
    next
}
{ review = review "\n" $0 }
END { if (NR > 0) emit() }'
{
    echo "review,sentiment"
    awk -F'\t' -v OFS='\t' '{ split($3, name, "_"); print $1, name[1], $2, $4 }' "$work/files.tsv" |
        LC_ALL=C sort -t$'\t' -k1,1n -k2,2n -k3,3n | cut -f4- |
        LC_ALL=C xargs -d '\n' awk "$convert"
} >"$work/reviews.csv" || die "converting the reviews failed"
mv -f "$work/reviews.csv" "$csv" || die "cannot write $csv"
echo "get-imdb.sh: wrote $csv ($rows reviews)"
((rows == 50000)) || echo "get-imdb.sh: note: the full dataset has 50,000 reviews; this archive held $rows" >&2
