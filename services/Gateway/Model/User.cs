namespace CreatorChat.Gateway.Model;

public sealed record User
{
    public required Guid Id { get; init; }
    public required string Email { get; init; }
    public string? Name { get; init; }
    public required string PasswordHash { get; init; }
    public required string Role { get; init; }
    public required string Tier { get; init; }
    public bool Disabled { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A user as the API shows it: never the password hash.</summary>
public sealed record UserView(Guid Id, string Email, string? Name, string Role, string Tier, bool Disabled, DateTimeOffset CreatedAt)
{
    public static UserView From(User user) => new(user.Id, user.Email, user.Name, user.Role, user.Tier, user.Disabled, user.CreatedAt);
}
