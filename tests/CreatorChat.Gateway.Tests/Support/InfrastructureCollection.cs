using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Gateway.Tests.Support;

[CollectionDefinition(Name)]
public sealed class InfrastructureCollection : ICollectionFixture<InfrastructureFixture>
{
    public const string Name = "infrastructure";
}
