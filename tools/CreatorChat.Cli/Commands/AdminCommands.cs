using System.CommandLine;
using CreatorChat.Cli.Api;
using CreatorChat.Cli.Rendering;
using Spectre.Console;

namespace CreatorChat.Cli.Commands;

/// <summary><c>admin users|set|stats|audit</c> (role admin).</summary>
public static class AdminCommands
{
    private static readonly string[] TierNames = ["free", "premium", "enterprise"];
    private static readonly string[] RoleNames = ["fan", "creator", "admin"];

    public static Command Create(CliContext context, CommonOptions common)
    {
        var admin = new Command("admin", "Administration (role admin)");
        admin.Add(Users(context, common));
        admin.Add(Set(context, common));
        admin.Add(Stats(context, common));
        admin.Add(Audit(context, common));
        return admin;
    }

    private static Option<int> Limit() => new("--limit") { Description = "Page size (1-200)", DefaultValueFactory = _ => 50 };

    private static Option<string?> Cursor() => new("--cursor") { Description = "Next page: the cursor a previous page printed" };

    private static Command Users(CliContext context, CommonOptions common)
    {
        var query = new Option<string?>("--query", "-q") { Description = "Email or name contains" };
        var limit = Limit();
        var cursor = Cursor();
        var command = new Command("users", "List users") { query, limit, cursor, common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var page = await client.UsersAsync(parse.GetValue(query), parse.GetValue(cursor), parse.GetValue(limit), cancellationToken);
            Print(context, parse.GetValue(common.Json), page, Tables.Users(page.Items));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Set(CliContext context, CommonOptions common)
    {
        var user = new Argument<string>("user") { Description = "The user's email or id" };
        var tier = new Option<string?>("--tier") { Description = "free, premium or enterprise" };
        tier.AcceptOnlyFromAmong(TierNames);
        var role = new Option<string?>("--role") { Description = "fan, creator or admin" };
        role.AcceptOnlyFromAmong(RoleNames);
        var disable = new Option<bool>("--disable") { Description = "Disable the account (signed-in sessions stop at once)" };
        var enable = new Option<bool>("--enable") { Description = "Enable the account again" };
        var command = new Command("set", "Change a user's tier, role or state") { user, tier, role, disable, enable, common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(disable) && parse.GetValue(enable))
            {
                throw new UsageException("Use --disable or --enable, not both.");
            }

            if (parse.GetValue(tier) is null && parse.GetValue(role) is null && !parse.GetValue(disable) && !parse.GetValue(enable))
            {
                throw new UsageException("Nothing to change: give --tier, --role, --disable or --enable.");
            }

            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var id = await FindUserAsync(client, parse.GetValue(user)!, cancellationToken);
            bool? disabled = parse.GetValue(disable) ? true : parse.GetValue(enable) ? false : null;
            var updated = await client.UpdateUserAsync(id, new UserChange(parse.GetValue(tier), parse.GetValue(role), disabled), cancellationToken);
            context.Output.Show(updated, parse.GetValue(common.Json), () => context.Output.Markup($"{Markup.Escape(updated.Email)}: role {Markup.Escape(updated.Role)}, tier {Markup.Escape(updated.Tier)}, {(updated.Disabled ? "[red]disabled[/]" : "active")}."));

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Stats(CliContext context, CommonOptions common)
    {
        var command = new Command("stats", "Platform figures: users, creators, videos, messages, cache hit rate, streams") { common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var stats = await client.StatsAsync(cancellationToken);
            context.Output.Show(stats, parse.GetValue(common.Json), () => context.Output.Write(Tables.Stats(stats)));

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Audit(CliContext context, CommonOptions common)
    {
        var @event = new Option<string?>("--event", "-e") { Description = "Only this event, e.g. login_failed" };
        var limit = Limit();
        var cursor = Cursor();
        var command = new Command("audit", "The audit log, newest first") { @event, limit, cursor, common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var page = await client.AuditAsync(parse.GetValue(@event), parse.GetValue(cursor), parse.GetValue(limit), cancellationToken);
            Print(context, parse.GetValue(common.Json), page, Tables.Audit(page.Items));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print<T>(CliContext context, bool json, Page<T> page, Table table)
    {
        if (json)
        {
            context.Output.Json(page);
            return;
        }

        context.Output.Write(table);
        if (page.NextCursor is { } next)
        {
            // On stderr, so that piping the table stays clean.
            context.Environment.Error.WriteLine($"More: add --cursor {next}");
        }
    }

    /// <summary>An id as given, or the one user whose email is exactly this.</summary>
    private static async Task<Guid> FindUserAsync(CreatorChatClient client, string user, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(user, out var id))
        {
            return id;
        }

        var page = await client.UsersAsync(user.Trim(), null, 200, cancellationToken);
        return page.Items.FirstOrDefault(u => string.Equals(u.Email, user.Trim(), StringComparison.OrdinalIgnoreCase))?.Id
            ?? throw new CliFailureException($"No user with the email '{user}'.");
    }
}
