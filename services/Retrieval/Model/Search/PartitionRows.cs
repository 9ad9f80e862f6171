using CreatorChat.Retrieval.Model.Text;

namespace CreatorChat.Retrieval.Model.Search;

/// <summary>A row to add to a partition of the embedded vector store (<c>VectorPartition</c>).</summary>
/// <param name="Terms">The passage's BM25 terms (<see cref="Bm25.Passage"/>); none when the row has no text to match.</param>
public readonly record struct PartitionRow(Guid Id, string VideoId, Guid Generation, ReadOnlyMemory<float> Vector, SparseVector? Terms = null);

/// <summary>
/// "Remove the rows of <see cref="VideoId"/> whose generation is one of <see cref="Generations"/>" (all of
/// the video's rows when null), as recorded by a store deletion.
/// </summary>
public readonly record struct PartitionDeletion(string VideoId, IReadOnlyCollection<Guid>? Generations);
