using System.Security.Claims;
using CreatorChat.Gateway.Infrastructure;
using CreatorChat.Gateway.Infrastructure.Identity;
using CreatorChat.Gateway.Infrastructure.RateLimiting;
using CreatorChat.Gateway.Infrastructure.WebApp;
using CreatorChat.Gateway.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatorChat.Gateway.Apis;

public static class AuthApi
{
    private const string InvalidCredentials = "Invalid email or password.";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/auth").WithTags("Accounts");
        api.MapPost("/register", Register).WithName("Register");
        api.MapPost("/login", Login).WithName("Login");
        api.MapPost("/refresh", Refresh).WithName("Refresh");
        api.MapPost("/logout", Logout).WithName("Logout").RequireAuthorization();
        api.MapGet("/me", Me).WithName("Me").RequireAuthorization();
        return app;
    }

    public static async Task<Results<Created<UserView>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterRequest request, HttpContext context, AccountService accounts, RateLimiter limiter, CancellationToken cancellationToken)
    {
        var ip = ClientAddress.Of(context);
        var decision = await limiter.ConsumeAsync("register-ip", ip, limiter.Options.RegistrationsPerIpPerHour, TimeSpan.FromHours(1), cancellationToken);
        if (!decision.Allowed)
        {
            return RateLimitHeaders.TooManyRequests(context, decision, "Too many registrations from this address. Try again later.");
        }

        var errors = AccountValidation.Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var user = await accounts.RegisterAsync(request, ip, cancellationToken);
        return user is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email taken", detail: "An account with this email already exists.")
            : TypedResults.Created("/api/v1/auth/me", UserView.From(user));
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext context, AccountService accounts, RateLimiter limiter, CancellationToken cancellationToken)
    {
        var ip = ClientAddress.Of(context);
        var perIp = await limiter.ConsumeAsync("login-ip", ip, limiter.Options.LoginPerIpPerMinute, TimeSpan.FromMinutes(1), cancellationToken);
        if (!perIp.Allowed)
        {
            return RateLimitHeaders.TooManyRequests(context, perIp, "Too many login attempts from this address. Try again shortly.");
        }

        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password) ||
            request.Email.Length > AccountValidation.EmailMax || request.Password.Length > AccountValidation.PasswordMax)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: InvalidCredentials);
        }

        // Failed attempts per account, from any address: slows down distributed password guessing.
        var account = AccountValidation.NormalizeEmail(request.Email);
        var failuresKey = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(account)))[..32];
        var window = TimeSpan.FromMinutes(15);
        var locked = await limiter.PeekAsync("login-failures", failuresKey, limiter.Options.FailedLoginsPerAccount, window, cancellationToken);
        if (!locked.Allowed)
        {
            return RateLimitHeaders.TooManyRequests(context, locked, "Too many failed logins for this account. Try again later.");
        }

        var (tokens, failure, _) = await accounts.LoginAsync(account, request.Password, ip, cancellationToken);
        if (failure == LoginFailure.None)
        {
            return TypedResults.Ok(RefreshCookie.Issue(context, tokens!));
        }

        await limiter.ConsumeAsync("login-failures", failuresKey, limiter.Options.FailedLoginsPerAccount, window, cancellationToken);

        return failure == LoginFailure.Disabled
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account disabled", detail: "This account has been disabled.")
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: InvalidCredentials);
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        RefreshRequest request, HttpContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        var (refreshToken, fromCookie, forged) = RefreshCookie.Read(context, request.RefreshToken);
        if (forged)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Refresh refused",
                detail: $"A refresh with the session cookie must come from the web app itself (same origin, with the {RefreshCookie.Header} header).");
        }

        if (string.IsNullOrWhiteSpace(refreshToken) || refreshToken.Length > 200)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Refresh failed", detail: "The refresh token is not valid.");
        }

        var tokens = await accounts.RefreshAsync(refreshToken, ClientAddress.Of(context), cancellationToken);
        if (tokens is null)
        {
            if (fromCookie)
            {
                RefreshCookie.Clear(context);
            }

            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Refresh failed", detail: "The refresh token is not valid. Log in again.");
        }

        return TypedResults.Ok(RefreshCookie.Issue(context, tokens));
    }

    public static async Task<NoContent> Logout(
        RefreshRequest request, ClaimsPrincipal user, HttpContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        var (refreshToken, fromCookie, _) = RefreshCookie.Read(context, request.RefreshToken);
        if (!string.IsNullOrWhiteSpace(refreshToken) && user.GetUserId() is { } userId)
        {
            await accounts.LogoutAsync(refreshToken, userId, ClientAddress.Of(context), cancellationToken);
        }

        if (fromCookie)
        {
            RefreshCookie.Clear(context);
        }

        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Me(
        ClaimsPrincipal principal, UserDirectory directory, RateLimiter limiter, CancellationToken cancellationToken)
    {
        var user = principal.GetUserId() is { } id ? await directory.GetAsync(id, cancellationToken) : null;
        if (user is null || user.Disabled)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in", detail: "Sign in again.");
        }

        var limits = Tiers.LimitsFor(user.Tier);
        var usage = await limiter.UsageAsync(user.Id, cancellationToken);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email, user.Name, user.Role, user.Tier,
            new Usage(usage.MessagesThisMonth, limits.MonthlyMessages, usage.RequestsThisHour, limits.HourlyRequests)));
    }
}
