import Collectives
import LinearAlgebra

/// scikit-learn's `CountVectorizer(lowercase=True, stop_words='english', max_features=k)` applied to
/// the reference pipeline's cleaned reviews, fitted across ranks: each rank cleans and counts its own
/// documents, the vocabulary comes from counts summed over ranks, each rank keeps its own rows.
public struct ReviewVectorizer {
    public let maxFeatures: Int
    public let cleaner: ReviewCleaner

    public init(maxFeatures: Int = 5000, stopWords: StopWords = .english) {
        precondition(maxFeatures >= 1, "maxFeatures must be positive")
        self.maxFeatures = maxFeatures
        cleaner = ReviewCleaner(stopWords: stopWords)
    }

    /// Cleans and counts raw review texts (valid UTF-8); `emptyAfterCleaning` counts the reviews whose
    /// cleaned text is empty.
    ///
    /// Only the tag removal of the cleaning changes the tokens: the words it then drops are lowercase
    /// stop words, which the vectorizer drops too, and joining with single spaces only rewrites
    /// whitespace, which never belongs to a token. So the text is tokenized right after tag removal,
    /// which gives the counts of `clean` followed by tokenizing without building the cleaned text
    /// (a test checks the equivalence on real reviews).
    public func count(_ reviews: [[UInt8]]) -> (bag: BagOfWords, emptyAfterCleaning: Int) {
        var bag = BagOfWords(stopWords: cleaner.stopWords)
        var empty = 0
        for review in reviews {
            let stripped = ReviewCleaner.removeTags(review)
            if cleaner.cleansToEmpty(stripped) { empty += 1 }
            bag.add(stripped)
        }
        return (bag, empty)
    }

    /// Fits on this rank's `training` reviews together with the other ranks' (a collective) and returns
    /// the vocabulary and this rank's training rows.
    public func fitTransform(_ training: BagOfWords, world: Communicator) -> (vocabulary: Vocabulary, rows: CSRMatrix) {
        let vocabulary = Vocabulary.fit(training, maxFeatures: maxFeatures, world: world)
        return (vocabulary, training.matrix(over: vocabulary))
    }
}
