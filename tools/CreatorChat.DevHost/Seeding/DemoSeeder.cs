using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CreatorChat.DevHost.Seeding;

/// <summary>Creates the demo creator through the public API, exactly as a platform user would.</summary>
public sealed class DemoSeeder(HttpClient gateway, string demoDataFolder, Action<string> output)
{
    public async Task<string> SeedAsync(CancellationToken cancellationToken)
    {
        var creator = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(demoDataFolder, "creator.json"), cancellationToken))!.AsObject();
        var slug = creator["slug"]!.GetValue<string>();

        using var existing = await gateway.GetAsync(new Uri($"/api/v1/creators/{slug}", UriKind.Relative), cancellationToken);
        if (existing.StatusCode == HttpStatusCode.OK)
        {
            output($"[seed] demo creator '{slug}' already exists");
            return slug;
        }

        using var created = await gateway.PostAsJsonAsync(new Uri("/api/v1/creators", UriKind.Relative), creator, cancellationToken);
        if (created.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException($"Seeding the demo creator failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(cancellationToken)}");
        }

        output($"[seed] demo creator '{slug}' created");
        return slug;
    }
}
