namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>Makes the configured kind of vector store (embedded or Qdrant) for a named collection: one per embedding space.</summary>
public sealed class VectorStoreFactory(string kind, string firstCollection, Func<string, IVectorStore> create)
{
    /// <summary>"embedded" or "qdrant".</summary>
    public string Kind => kind;

    /// <summary>The first space's collection (<c>Retrieval:VectorStore:Collection</c>); later spaces get <c>{name}_{id}</c>.</summary>
    public string FirstCollection => firstCollection;

    public IVectorStore Create(string collection) => create(collection);
}
