using CreatorChat.Testing;
using Microsoft.Playwright;
using Xunit;

namespace CreatorChat.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class AdminTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_admin_finds_a_user_and_upgrades_them_to_premium()
    {
        var (email, password, _) = await fixture.RegisterAsync("upgrade-me");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/signin?next=/admin");
        await page.GetByLabel("Email").FillAsync(fixture.Platform.AdminEmail);
        await page.GetByLabel("Password").FillAsync(fixture.Platform.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Platform" })).ToBeVisibleAsync();
        await page.GetByPlaceholder("Email or name").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.users tbody tr")).ToHaveCountAsync(1);
        await page.GetByLabel($"Tier of {email}").SelectOptionAsync("premium");
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved" })).ToHaveTextAsync($"Saved {email}.");
        await Assertions.Expect(page.Locator("table.audit tbody tr").First).ToBeVisibleAsync();
        await Screens.CaptureAsync(page, "admin");

        using var api = fixture.Gateway(await fixture.LoginAsync(email, password));
        var me = await (await api.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync();
        Assert.Equal("premium", me["tier"]!.GetValue<string>());
        Assert.Equal(500, me["usage"]!["hourly_limit"]!.GetValue<int>());
    }
}
