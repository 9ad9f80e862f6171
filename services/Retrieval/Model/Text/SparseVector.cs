namespace CreatorChat.Retrieval.Model.Text;

/// <summary>Term weights of one text: <see cref="Indices"/> (hashed terms) ascending and unique, as Qdrant's sparse vectors require.</summary>
public sealed record SparseVector(uint[] Indices, float[] Values)
{
    public static SparseVector Empty { get; } = new([], []);

    public int Count => Indices.Length;
}
