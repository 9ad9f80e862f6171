using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary><c>Retrieval:VectorStore</c>: what every kind of store is configured by; each kind adds its own settings.</summary>
public abstract record VectorStoreOptions
{
    public const string Section = "Retrieval:VectorStore";

    protected VectorStoreOptions(string collection) => Collection = collection;

    /// <summary>The first embedding space's collection; later spaces get <c>{name}_{id}</c>.</summary>
    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string Collection { get; init; }
}
