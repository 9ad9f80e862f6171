using CreatorChat.Testing;
using Microsoft.Playwright;
using Xunit;

namespace CreatorChat.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class CreatorTests(BrowserFixture fixture)
{
    private const string Searing = """
        1
        00:00:01,000 --> 00:00:05,000
        Cast iron holds heat, so the pan stays hot when the cold steak lands.

        2
        00:00:05,500 --> 00:00:11,000
        That stored heat is why a cast iron pan gives a deeper crust than thin steel.
        """;

    private const string Vinaigrette = """
        WEBVTT

        00:00:02.000 --> 00:00:07.000
        Mustard is the emulsifier that keeps a vinaigrette from splitting.

        00:00:07.500 --> 00:00:12.000
        Whisk the oil in slowly and the mustard holds the droplets apart.
        """;

    [Fact]
    public async Task A_creator_creates_a_page_uploads_two_caption_files_and_they_become_searchable()
    {
        var (email, password, _) = await fixture.RegisterAsync("creator", role: "creator");
        var slug = $"lab-{Guid.NewGuid():N}"[..16];
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/signin?next=/studio");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // No page yet: the studio offers to create one.
        await page.GetByLabel("Address (slug)").FillAsync(slug);
        await page.GetByLabel("Name").FillAsync("Iron & Oil");
        await page.GetByLabel("Specialty").FillAsync("Pans and sauces");
        await page.GetByLabel("Persona").FillAsync("You are a calm cook who explains the physics of pans.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Profile and persona" })).ToBeVisibleAsync();

        // Two caption files at once; the table takes id and title from the file names, and the title is editable.
        await page.GetByLabel("Caption files").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "cast-iron-heat.srt", MimeType = "application/x-subrip", Buffer = System.Text.Encoding.UTF8.GetBytes(Searing) },
            new FilePayload { Name = "Vinaigrette basics [vinaigrette].en.vtt", MimeType = "text/vtt", Buffer = System.Text.Encoding.UTF8.GetBytes(Vinaigrette) },
        });
        await Assertions.Expect(page.GetByLabel("Video id for cast-iron-heat.srt")).ToHaveValueAsync("cast-iron-heat");
        await page.GetByLabel("Title for cast-iron-heat.srt").FillAsync("Why cast iron sears better");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload 2 files" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.uploads tr[data-state='succeeded']")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        var videos = page.Locator("table.videos");
        await Assertions.Expect(videos.Locator("tr[data-video='cast-iron-heat']")).ToContainTextAsync("Why cast iron sears better");
        await Assertions.Expect(videos.Locator("tr[data-video]")).ToHaveCountAsync(2);
        await Screens.CaptureAsync(page, "studio");

        // Searchable through the public API.
        using var api = fixture.Gateway(await fixture.LoginAsync(email, password));
        var hits = (await (await api.GetAsync(new Uri($"/api/v1/creators/{slug}/search?q=cast%20iron%20crust&k=3", UriKind.Relative))).ReadJsonAsync()).AsArray();
        Assert.Equal("cast-iron-heat", hits[0]!["video_id"]!.GetValue<string>());
        hits = (await (await api.GetAsync(new Uri($"/api/v1/creators/{slug}/search?q=mustard%20emulsifier&k=3", UriKind.Relative))).ReadJsonAsync()).AsArray();
        Assert.Contains(hits, h => h!["text"]!.GetValue<string>().Contains("emulsifier", StringComparison.Ordinal));
    }
}
