using CreatorChat.ServiceDefaults.Model;
using Xunit;

namespace CreatorChat.ServiceDefaults.Tests.Unit;

public sealed class CreatorSlugTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("chef-nora")]
    [InlineData("a1-b2-c3")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Accepts_lowercase_letters_digits_and_single_inner_hyphens(string slug) => Assert.True(CreatorSlug.IsValid(slug));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    [InlineData("Chef-Nora")]
    [InlineData("-chef")]
    [InlineData("chef-")]
    [InlineData("chef--nora")]
    [InlineData("chef nora")]
    [InlineData("chef_nora")]
    [InlineData("chef.nora")]
    [InlineData("chef/../nora")]
    [InlineData("chef\0nora")]
    [InlineData("chef\nnora")]
    [InlineData("chef\n")]
    [InlineData("şef-nora")]
    [InlineData("chef-nora\u200b")]
    [InlineData("ｃｈｅｆ")]
    public void Refuses_every_other_spelling(string? slug) => Assert.False(CreatorSlug.IsValid(slug));
}
