using Microsoft.Playwright;

namespace CreatorChat.Browser.Tests;

/// <summary>Screenshots of each main screen, at desktop width (light and dark) and on a 375 px phone, for people to look at.</summary>
public static class Screens
{
    public const int Phone = 375;

    public static async Task CaptureAsync(IPage page, string name)
    {
        var original = page.ViewportSize;
        // Sticky bars would otherwise be drawn where the page happens to be scrolled.
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.SetViewportSizeAsync(1280, 860);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"{name}-desktop.png"), FullPage = true });
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"{name}-desktop-dark.png"), FullPage = true });
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light });
        await page.SetViewportSizeAsync(Phone, 760);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"{name}-phone.png"), FullPage = true });
        if (original is not null)
        {
            await page.SetViewportSizeAsync(original.Width, original.Height);
        }
    }

    /// <summary>True when nothing on the page is wider than the viewport (no sideways scrolling on a phone).</summary>
    public static Task<bool> FitsWidthAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");
}
