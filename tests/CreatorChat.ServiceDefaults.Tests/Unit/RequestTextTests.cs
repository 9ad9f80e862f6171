using System.Text.Json;
using CreatorChat.ServiceDefaults.Http;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace CreatorChat.ServiceDefaults.Tests.Unit;

/// <summary>Issue 9, items 4-5: the one rule for request text, as every service's JSON binding applies it.</summary>
public sealed class RequestTextTests
{
    private sealed record Body(string Name, Dictionary<string, string>? Tags = null);

    [Theory]
    [InlineData("plain", true)]
    [InlineData("emoji \U0001F44D and accents \u00e9", true)]
    [InlineData("nul \\0 inside", false)]
    [InlineData("lone \\ud800 high", false)]
    [InlineData("lone \\udc00 low", false)]
    [InlineData("reversed \\udc00\\ud800 pair", false)]
    public void Text_is_valid_unicode_without_nul(string escaped, bool valid)
    {
        // Attribute strings cannot hold lone surrogates (they are stored as UTF-8): unescape at run time.
        var text = System.Text.RegularExpressions.Regex.Unescape(escaped);
        Assert.Equal(valid, RequestText.Problem(text) is null);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE }, RequestText.InvalidUnicode)]
    [InlineData(new byte[] { 0xC3 }, RequestText.InvalidUnicode)]
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0' }, RequestText.InvalidUnicode)]
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'0', (byte)'0', (byte)'0', (byte)'0' }, RequestText.ContainsNul)]
    public void Binding_a_typed_or_a_raw_body_with_bad_text_is_a_json_exception(byte[] raw, string expected)
    {
        foreach (var template in new[] { "{\"name\":\"a@@b\"}", "{\"name\":\"ok\",\"tags\":{\"k@@\":\"v\"}}", "{\"name\":\"ok\",\"tags\":{\"k\":\"v@@\"}}" })
        {
            var at = template.IndexOf("@@", StringComparison.Ordinal);
            var json = System.Text.Encoding.UTF8.GetBytes(template[..at]).Concat(raw).Concat(System.Text.Encoding.UTF8.GetBytes(template[(at + 2)..])).ToArray();

            // Typed: a JsonException (a 400), whether System.Text.Json or the rule notices first.
            Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Body>(json, ApiJson.Options));
            var element = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<JsonElement>(json, ApiJson.Options));
            Assert.Contains(expected, element.Message);
        }
    }

    [Fact]
    public void Good_text_binds_and_writes_unchanged()
    {
        var body = JsonSerializer.Deserialize<Body>("{\"name\":\"Ada 👍\",\"tags\":{\"k\":\"v\"}}", ApiJson.Options)!;
        Assert.Equal("Ada 👍", body.Name);
        Assert.Equal("v", body.Tags!["k"]);
        Assert.Equal("{\"name\":\"Ada \\uD83D\\uDC4D\",\"tags\":{\"k\":\"v\"}}", JsonSerializer.Serialize(body, ApiJson.Options));
    }
}
