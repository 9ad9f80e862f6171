using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Tests.Support;

namespace CreatorChat.Retrieval.Tests.Integration.VectorStores;

/// <summary>
/// The shared suite against a real Qdrant: <c>QDRANT_URL=http://127.0.0.1:6333</c> (and <c>QDRANT_API_KEY</c> if
/// the server needs one). No Qdrant can run on this machine, so here these are reported as skipped; the
/// Qdrant client's requests are still checked against the REST specification by <see cref="Unit.VectorStores.QdrantContractTests"/>.
/// </summary>
[SkipUnlessEnvironment("QDRANT_URL")]
public sealed class QdrantVectorStoreTests : VectorStoreContract
{
    private readonly List<HttpClient> _clients = [];

    protected override Task<IVectorStore> CreateStoreAsync(string collection)
    {
        var key = Environment.GetEnvironmentVariable("QDRANT_API_KEY");
        var connection = QdrantConnection.Parse($"Endpoint={Environment.GetEnvironmentVariable("QDRANT_URL")}" + (string.IsNullOrEmpty(key) ? "" : $";Key={key}"));
        var http = new HttpClient();
        connection.Configure(http);
        _clients.Add(http);
        return Task.FromResult<IVectorStore>(new QdrantVectorStore(http, new QdrantVectorStoreOptions { Collection = collection, UpsertBatch = 500 }));
    }

    public override async Task DisposeAsync()
    {
        if (_clients.Count > 0)
        {
            using var _ = await _clients[0].DeleteAsync(new Uri($"collections/{Collection}", UriKind.Relative));
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
