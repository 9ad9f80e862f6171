using System.CommandLine;
using CreatorChat.Cli.Rendering;

namespace CreatorChat.Cli.Commands;

/// <summary><c>creators</c>: the public directory.</summary>
public static class CreatorsCommand
{
    public static Command Create(CliContext context, CommonOptions common)
    {
        var command = new Command("creators", "The creators you can chat with") { common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var creators = await client.CreatorsAsync(cancellationToken);
            if (parse.GetValue(common.Json))
            {
                context.Output.Json(creators);
            }
            else if (creators.Count == 0)
            {
                context.Output.Markup("No creators yet.");
            }
            else
            {
                context.Output.Write(Tables.Creators(creators));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
