using System.CommandLine;
using System.Globalization;
using CreatorChat.Cli.Rendering;
using Spectre.Console;

namespace CreatorChat.Cli.Commands;

/// <summary><c>videos</c>, <c>search</c>, <c>insights</c>: a creator's knowledge and what fans ask.</summary>
public static class KnowledgeCommands
{
    public static IEnumerable<Command> Create(CliContext context, CommonOptions common)
    {
        yield return Videos(context, common);
        yield return Search(context, common);
        yield return Insights(context, common);
    }

    private static Command Videos(CliContext context, CommonOptions common)
    {
        var slug = CommonOptions.Slug();
        var command = new Command("videos", "A creator's videos and whether each is searchable (owner or admin)") { slug, common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var videos = await client.VideosAsync(parse.GetValue(slug)!, cancellationToken);
            if (parse.GetValue(common.Json))
            {
                context.Output.Json(videos);
            }
            else if (videos.Count == 0)
            {
                context.Output.Markup("No videos yet: upload captions with 'creatorchat ingest'.");
            }
            else
            {
                context.Output.Write(Tables.Videos(videos));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Search(CliContext context, CommonOptions common)
    {
        var slug = CommonOptions.Slug();
        var query = new Argument<string>("query") { Description = "What to look for" };
        var k = new Option<int>("--k", "-k") { Description = "How many passages", DefaultValueFactory = _ => 5 };
        var command = new Command("search", "Search a creator's transcripts (owner or admin)") { slug, query, k, common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var hits = await client.SearchAsync(parse.GetValue(slug)!, parse.GetValue(query)!, parse.GetValue(k), cancellationToken);
            if (parse.GetValue(common.Json))
            {
                context.Output.Json(hits);
            }
            else if (hits.Count == 0)
            {
                context.Output.Markup("Nothing found.");
            }
            else
            {
                context.Output.Write(Tables.Search(hits, context.Output));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Insights(CliContext context, CommonOptions common)
    {
        var slug = CommonOptions.Slug();
        var days = new Option<int>("--days") { Description = "How far back", DefaultValueFactory = _ => 30 };
        var command = new Command("insights", "What fans ask a creator and what the videos could not answer (owner or admin)") { slug, days, common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var insights = await client.InsightsAsync(parse.GetValue(slug)!, parse.GetValue(days), cancellationToken);
            if (parse.GetValue(common.Json))
            {
                context.Output.Json(insights);
                return ExitCodes.Ok;
            }

            var output = context.Output;
            output.Markup(string.Create(CultureInfo.InvariantCulture,
                $"[bold]{Markup.Escape(insights.CreatorId)}[/] since {insights.Since:yyyy-MM-dd}: {insights.Questions:N0} questions, {insights.Answered:N0} answered, " +
                $"{insights.NotCovered:N0} not covered, {insights.RetrievalUnavailable:N0} while search was down; feedback {insights.ThumbsUp:N0} up, {insights.ThumbsDown:N0} down."));
            if (insights.TopQuestions.Count > 0)
            {
                output.Write(Tables.Questions("Most asked", insights.TopQuestions));
            }

            if (insights.UnansweredQuestions.Count > 0)
            {
                output.Write(Tables.Questions("Not answered by the videos", insights.UnansweredQuestions));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
