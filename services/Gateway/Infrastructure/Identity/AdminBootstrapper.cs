using CreatorChat.Gateway.Model;
using CreatorChat.ServiceDefaults.Security;

namespace CreatorChat.Gateway.Infrastructure.Identity;

/// <summary>
/// Creates the administrator named by <c>Admin__Email</c> / <c>Admin__Password</c> at first start
/// (idempotent, safe with replicas racing). Nothing is created without both, and there is no default password.
/// </summary>
public sealed class AdminBootstrapper(
    IConfiguration configuration, UserRepository users, PasswordHashing passwords, AuditLog audit, ILogger<AdminBootstrapper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var email = configuration["Admin:Email"];
        var password = configuration["Admin:Password"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            logger.LogInformation("No Admin:Email/Admin:Password configured: no administrator is bootstrapped");
            return;
        }

        if (!AccountValidation.IsValidEmail(email) || AccountValidation.PasswordProblem(password) is { } problem)
        {
            throw new InvalidOperationException("Admin:Email must be a valid address and Admin:Password a strong password (at least 10 characters, letters and digits or symbols).");
        }

        var normalized = AccountValidation.NormalizeEmail(email);
        if (await users.FindByEmailAsync(normalized, cancellationToken) is not null)
        {
            return;
        }

        var admin = await users.CreateAsync(normalized, "Administrator", passwords.Hash(password), PlatformRoles.Admin, Tiers.Enterprise, cancellationToken);
        if (admin is not null)
        {
            await audit.WriteAsync(AuditLog.AdminBootstrapped, null, admin.Id, null, null, cancellationToken);
            logger.LogInformation("Bootstrapped administrator {AdminId}", admin.Id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
