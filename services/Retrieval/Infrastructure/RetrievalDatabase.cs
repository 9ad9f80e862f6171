namespace CreatorChat.Retrieval.Infrastructure;

/// <summary>The retrieval service's own database, <c>retrievaldb</c>; its schema lives in <c>Migrations/</c>.</summary>
public static class RetrievalDatabase
{
    public const string ConnectionName = "retrievaldb";
}
