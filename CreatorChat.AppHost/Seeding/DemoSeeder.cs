using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CreatorChat.AppHost.Seeding;

/// <summary>
/// Seeds the demo through the public API, as people would: a creator account (made a creator by
/// the admin) that creates its creator profile and uploads its demo videos (ingested by retrieval).
/// Idempotent: a second run changes nothing.
/// </summary>
public sealed class DemoSeeder(HttpClient gateway, string demoDataFolder, Action<string> output)
{
    public const string CreatorEmail = "maya@kitchen-lab.example";

    public async Task<string> SeedAsync(string adminEmail, string adminPassword, string creatorPassword, CancellationToken cancellationToken)
    {
        var creator = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(demoDataFolder, "creator.json"), cancellationToken))!.AsObject();
        var slug = creator["slug"]!.GetValue<string>();

        using (var existing = await gateway.GetAsync(new Uri($"/api/v1/creators/{slug}", UriKind.Relative), cancellationToken))
        {
            if (existing.StatusCode == HttpStatusCode.OK)
            {
                output($"[seed] demo creator '{slug}' already exists");
                await SeedVideosAsync(slug, await LoginAsync(CreatorEmail, creatorPassword, cancellationToken), cancellationToken);
                return slug;
            }
        }

        var admin = await LoginAsync(adminEmail, adminPassword, cancellationToken);
        using (var registered = await gateway.PostAsJsonAsync(new Uri("/api/v1/auth/register", UriKind.Relative),
                   new { email = CreatorEmail, password = creatorPassword, name = "Maya Okafor" }, cancellationToken))
        {
            Ensure(registered, "registering the demo creator account", HttpStatusCode.Created, HttpStatusCode.Conflict);
        }

        var users = await SendAsync(HttpMethod.Get, $"/api/v1/admin/users?q={Uri.EscapeDataString(CreatorEmail)}", admin, null, cancellationToken);
        var userId = users["items"]!.AsArray().Single(u => u!["email"]!.GetValue<string>() == CreatorEmail)!["id"]!.GetValue<string>();
        await SendAsync(HttpMethod.Patch, $"/api/v1/admin/users/{userId}", admin, new { role = "creator", tier = "premium" }, cancellationToken);

        var owner = await LoginAsync(CreatorEmail, creatorPassword, cancellationToken);
        await SendAsync(HttpMethod.Post, "/api/v1/creators", owner, creator, cancellationToken);
        output($"[seed] demo creator '{slug}' created, owned by {CreatorEmail}");
        await SeedVideosAsync(slug, owner, cancellationToken);
        return slug;
    }

    /// <summary>Deletes the demo creator's videos (when it exists) so that the next <see cref="SeedAsync"/> uploads them afresh.</summary>
    public async Task ResetVideosAsync(string adminEmail, string adminPassword, string creatorPassword, CancellationToken cancellationToken)
    {
        var creator = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(demoDataFolder, "creator.json"), cancellationToken))!.AsObject();
        var slug = creator["slug"]!.GetValue<string>();
        using (var existing = await gateway.GetAsync(new Uri($"/api/v1/creators/{slug}", UriKind.Relative), cancellationToken))
        {
            if (existing.StatusCode != HttpStatusCode.OK)
            {
                return;
            }
        }

        var owner = await LoginAsync(CreatorEmail, creatorPassword, cancellationToken);
        var videos = (await SendAsync(HttpMethod.Get, $"/api/v1/creators/{slug}/videos", owner, null, cancellationToken)).AsArray();
        foreach (var video in videos)
        {
            var videoId = video!["video_id"]!.GetValue<string>();
            await SendAsync(HttpMethod.Delete, $"/api/v1/creators/{slug}/videos/{Uri.EscapeDataString(videoId)}", owner, null, cancellationToken,
                HttpStatusCode.NoContent, HttpStatusCode.NotFound);
        }

        output($"[seed] {videos.Count} demo videos of '{slug}' deleted");
    }

    /// <summary>
    /// Uploads the demo videos (DemoData/videos/videos.json) that the creator does not have yet, as its owner,
    /// and waits until they are searchable. Videos already there (or being ingested) are left alone.
    /// </summary>
    public async Task<int> SeedVideosAsync(string slug, string ownerToken, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(demoDataFolder, "videos");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "videos.json"), cancellationToken))!.AsArray();
        var existing = (await SendAsync(HttpMethod.Get, $"/api/v1/creators/{slug}/videos", ownerToken, null, cancellationToken)).AsArray()
            .Where(v => v!["status"]!.GetValue<string>() != "failed")
            .Select(v => v!["video_id"]!.GetValue<string>())
            .ToHashSet(StringComparer.Ordinal);

        var posted = 0;
        foreach (var video in manifest)
        {
            var videoId = video!["video_id"]!.GetValue<string>();
            if (existing.Contains(videoId))
            {
                continue;
            }

            var transcript = await File.ReadAllTextAsync(Path.Combine(folder, video["file"]!.GetValue<string>()), cancellationToken);
            await SendAsync(HttpMethod.Post, $"/api/v1/creators/{slug}/videos", ownerToken, new
            {
                video_id = videoId,
                title = video["title"]!.GetValue<string>(),
                url = video["url"]?.GetValue<string>(),
                published_at = video["published_at"]?.GetValue<string>(),
                format = video["format"]!.GetValue<string>(),
                transcript,
            }, cancellationToken, HttpStatusCode.Accepted);
            posted++;
        }

        if (posted == 0)
        {
            output($"[seed] demo videos of '{slug}' already uploaded");
            return 0;
        }

        // Ingestion runs in the background; wait (briefly) so the demo is searchable when the banner appears.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var videos = (await SendAsync(HttpMethod.Get, $"/api/v1/creators/{slug}/videos", ownerToken, null, cancellationToken)).AsArray();
            var failed = videos.Where(v => v!["status"]!.GetValue<string>() == "failed").Select(v => v!["video_id"]!.GetValue<string>()).ToList();
            if (failed.Count > 0)
            {
                throw new InvalidOperationException($"Seeding failed: ingesting demo videos {string.Join(", ", failed)} failed.");
            }

            if (videos.Count(v => v!["status"]!.GetValue<string>() == "ready") >= manifest.Count)
            {
                output($"[seed] {posted} demo videos of '{slug}' uploaded and searchable");
                return posted;
            }

            if (DateTime.UtcNow > deadline)
            {
                output($"[seed] {posted} demo videos of '{slug}' uploaded; still being ingested");
                return posted;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private async Task<string> LoginAsync(string email, string password, CancellationToken cancellationToken)
    {
        using var response = await gateway.PostAsJsonAsync(new Uri("/api/v1/auth/login", UriKind.Relative), new { email, password }, cancellationToken);
        Ensure(response, $"logging in as {email}", HttpStatusCode.OK);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        return body["access_token"]!.GetValue<string>();
    }

    private async Task<JsonNode> SendAsync(
        HttpMethod method, string path, string token, object? body, CancellationToken cancellationToken, params HttpStatusCode[] expected)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await gateway.SendAsync(request, cancellationToken);
        Ensure(response, $"{method} {path}", expected.Length > 0 ? expected : [HttpStatusCode.OK, HttpStatusCode.Created]);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    private static void Ensure(HttpResponseMessage response, string what, params HttpStatusCode[] expected)
    {
        if (!expected.Contains(response.StatusCode))
        {
            var detail = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            throw new InvalidOperationException($"Seeding failed {what}: {(int)response.StatusCode} {detail}");
        }
    }
}
