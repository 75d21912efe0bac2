import Testing

extension Trait where Self == ConditionTrait {
    /// For a test that reads the public corpus: skipped when it is missing, unless CI requires it.
    public static var needsCorpus: Self {
        .enabled(if: Corpus.isAvailable || Corpus.isRequired, Comment(rawValue: Corpus.whereToPutIt))
    }
}
