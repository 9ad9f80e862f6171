using System.Globalization;
using CreatorChat.Cli.Api;
using Spectre.Console;

namespace CreatorChat.Cli.Rendering;

public static class AccountView
{
    public static Grid Render(Me me, Uri gateway)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("[bold]Signed in as[/]", $"{Markup.Escape(me.Email)}{(me.Name is { } n ? $" ({Markup.Escape(n)})" : "")}");
        grid.AddRow("[bold]Gateway[/]", Markup.Escape(gateway.ToString()));
        grid.AddRow("[bold]Role[/]", Markup.Escape(me.Role));
        grid.AddRow("[bold]Tier[/]", Markup.Escape(me.Tier));
        grid.AddRow("[bold]Messages this month[/]", Usage(me.Usage.MessagesThisMonth, me.Usage.MonthlyQuota));
        grid.AddRow("[bold]Requests this hour[/]", Usage(me.Usage.RequestsThisHour, me.Usage.HourlyLimit));
        return grid;
    }

    public static string Usage(long used, long? limit) =>
        limit is { } l ? string.Create(CultureInfo.InvariantCulture, $"{used:N0} of {l:N0}") : string.Create(CultureInfo.InvariantCulture, $"{used:N0} (unlimited)");
}
