using System.CommandLine;
using CreatorChat.Cli.Api;
using CreatorChat.Cli.Config;
using CreatorChat.Cli.Rendering;
using Spectre.Console;

namespace CreatorChat.Cli.Commands;

/// <summary><c>login</c>, <c>logout</c>, <c>whoami</c>.</summary>
public static class AccountCommands
{
    public static IEnumerable<Command> Create(CliContext context, CommonOptions common)
    {
        yield return Login(context, common);
        yield return Logout(context, common);
        yield return WhoAmI(context, common);
    }

    private static Command Login(CliContext context, CommonOptions common)
    {
        var email = new Option<string?>("--email") { Description = "Account email (asked for on a terminal when missing)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input" };
        var command = new Command("login", "Sign in and keep the session in your config directory") { email, passwordStdin };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = context.Output;
            var address = parse.GetValue(email) ?? (output.Interactive
                ? await output.Console.PromptAsync(new TextPrompt<string>("Email:"), cancellationToken)
                : throw new UsageException("Give --email (there is no terminal to ask on)."));
            string password;
            if (parse.GetValue(passwordStdin))
            {
                password = (await context.Environment.Input.ReadLineAsync(cancellationToken))?.TrimEnd('\r')
                    ?? throw new UsageException("--password-stdin: standard input was empty.");
            }
            else if (output.Interactive)
            {
                password = await output.Console.PromptAsync(new TextPrompt<string>("Password:").Secret(), cancellationToken);
            }
            else
            {
                throw new UsageException("Give --password-stdin (there is no terminal to ask on).");
            }

            var url = await context.ResolveUrlAsync(parse.GetValue(common.Url), cancellationToken);
            using var anonymous = new CreatorChatClient(url, Credentials.None, context.Environment.Time);
            var pair = await anonymous.LoginAsync(address.Trim(), password, cancellationToken);
            var session = new StoredSession(url.ToString(), address.Trim(), pair.AccessToken, pair.RefreshToken,
                context.Environment.Time.GetUtcNow().AddSeconds(pair.ExpiresIn));
            await context.Store.WriteAsync(session, cancellationToken);

            using var client = new CreatorChatClient(url, Credentials.FromStore(session, context.Store), context.Environment.Time);
            var me = await client.MeAsync(cancellationToken);
            output.Markup($"Signed in to {Markup.Escape(url.ToString())} as [bold]{Markup.Escape(me.Email)}[/] ({Markup.Escape(me.Role)}, {Markup.Escape(me.Tier)}).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Logout(CliContext context, CommonOptions common)
    {
        var command = new Command("logout", "Sign out: revoke the session and forget it");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var session = await context.Store.ReadAsync(cancellationToken);
            if (session is null)
            {
                context.Output.Markup("Not signed in.");
                return ExitCodes.Ok;
            }

            try
            {
                using var client = new CreatorChatClient(CliContext.ParseUrl(session.Url), Credentials.FromStore(session, context.Store), context.Environment.Time);
                await client.LogoutAsync(session.RefreshToken, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or ApiException or NotSignedInException or NotAGatewayException or TimeoutException)
            {
                // Forgetting the tokens locally is what matters; the server lets them expire.
                await context.Environment.Error.WriteLineAsync($"creatorchat: could not revoke the session on {session.Url} ({ex.Message}); forgetting it here.");
            }

            context.Store.Delete();
            context.Output.Markup($"Signed out of {Markup.Escape(session.Url)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command WhoAmI(CliContext context, CommonOptions common)
    {
        var command = new Command("whoami", "Who you are signed in as: role, tier and usage") { common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var me = await client.MeAsync(cancellationToken);
            context.Output.Show(me, parse.GetValue(common.Json), () => context.Output.Write(AccountView.Render(me, client.BaseUrl)));

            return ExitCodes.Ok;
        });
        return command;
    }
}
