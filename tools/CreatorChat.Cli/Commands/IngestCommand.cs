using System.Collections.Concurrent;
using System.CommandLine;
using CreatorChat.Cli.Api;
using CreatorChat.Cli.Ingest;
using Spectre.Console;

namespace CreatorChat.Cli.Commands;

/// <summary><c>ingest slug paths…</c>: upload caption files and wait until they are searchable.</summary>
public static class IngestCommand
{
    public static Command Create(CliContext context, CommonOptions common)
    {
        var slug = CommonOptions.Slug();
        var paths = new Argument<string[]>("paths") { Description = ".srt, .vtt or .txt files, or folders of them (with a metadata.csv beside them)", Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force") { Description = "Upload every file, even those already there" };
        var timeout = new Option<int>("--timeout") { Description = "Minutes to wait for all videos to become searchable", DefaultValueFactory = _ => 15 };
        var command = new Command("ingest", "Upload a creator's captions and wait until they are searchable (owner or admin)") { slug, paths, force, timeout, common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = await CaptionFiles.FindAsync(parse.GetValue(paths)!, cancellationToken);
            if (files.Count == 0)
            {
                throw new CliFailureException("No .srt, .vtt or .txt files there.");
            }

            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var ingestion = new Ingestion(client, parse.GetValue(slug)!, context.Environment.Time, context.Environment.PollInterval);
            var items = await ingestion.PlanAsync(files, parse.GetValue(force), cancellationToken);
            var json = parse.GetValue(common.Json);
            var wait = TimeSpan.FromMinutes(Math.Max(1, parse.GetValue(timeout)));
            if (context.Environment.IsTerminal && !json)
            {
                await WithProgressBarsAsync(context, ingestion, items, wait, cancellationToken);
            }
            else
            {
                await WithLinesAsync(context, ingestion, items, wait, printLines: !json, cancellationToken);
            }

            return Report(context, items, json);
        });
        return command;
    }

    private static async Task WithProgressBarsAsync(CliContext context, Ingestion ingestion, IReadOnlyList<IngestItem> items, TimeSpan wait, CancellationToken cancellationToken)
    {
        await context.Output.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var bars = items.ToDictionary(i => i, i =>
                {
                    var task = progress.AddTask(Markup.Escape(Shorten(i.File.Title)), maxValue: 1);
                    Update(task, i);
                    return task;
                });
                void Changed(IngestItem item) => Update(bars[item], item);
                await ingestion.UploadAsync(items, Changed, cancellationToken);
                await ingestion.FollowAsync(items, wait, Changed, cancellationToken);
            });
    }

    private static void Update(ProgressTask task, IngestItem item)
    {
        task.Value = item.Status == VideoStatuses.Ready ? 1 : Math.Clamp(item.Progress, 0, 0.99);
        if (item.Finished)
        {
            task.Description = item.Status == VideoStatuses.Failed
                ? $"[red]{Markup.Escape(Shorten(item.File.Title))}[/]"
                : Markup.Escape(Shorten(item.File.Title));
            task.StopTask();
        }
    }

    private static async Task WithLinesAsync(CliContext context, Ingestion ingestion, IReadOnlyList<IngestItem> items, TimeSpan wait, bool printLines, CancellationToken cancellationToken)
    {
        var printed = new ConcurrentDictionary<IngestItem, bool>();
        void Changed(IngestItem item)
        {
            if (printLines && item.Finished && printed.TryAdd(item, true))
            {
                context.Output.Raw($"{item.Status,-7} {item.File.VideoId}  {item.File.Title}{(item.Error is { } e ? $": {e}" : "")}\n");
            }
        }

        await ingestion.UploadAsync(items, Changed, cancellationToken);
        await ingestion.FollowAsync(items, wait, Changed, cancellationToken);
    }

    private static int Report(CliContext context, IReadOnlyList<IngestItem> items, bool json)
    {
        var uploaded = items.Count(i => i.Action == IngestAction.Uploaded);
        var unchanged = items.Count - uploaded;
        var failed = items.Where(i => i.Status == VideoStatuses.Failed).ToList();
        if (json)
        {
            context.Output.Json(new
            {
                Files = items.Count,
                Uploaded = uploaded,
                Unchanged = unchanged,
                Failed = failed.Count,
                Videos = items.Select(i => new { i.File.VideoId, i.File.Title, File = i.File.Path, Action = i.Action.ToString().ToLowerInvariant(), i.Status, i.JobId, i.Error }),
            });
        }
        else
        {
            context.Output.Markup($"{items.Count} files: {uploaded} uploaded, {unchanged} already there, {failed.Count} failed.");
        }

        if (failed.Count == 0)
        {
            return ExitCodes.Ok;
        }

        var first = failed[0];
        context.Environment.Error.WriteLine($"creatorchat: {failed.Count} of {items.Count} videos failed; first: {first.File.VideoId} ({first.File.Path}): {first.Error ?? "failed"}");
        return ExitCodes.Failure;
    }

    private static string Shorten(string title) => title.Length <= 40 ? title : title[..39] + "…";
}
