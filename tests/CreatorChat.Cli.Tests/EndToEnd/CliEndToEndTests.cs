using CreatorChat.Cli.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Cli.Tests.EndToEnd;

/// <summary>The CLI, run through its entry point, against the whole platform.</summary>
[Collection(CliPlatformCollection.Name)]
public sealed class CliEndToEndTests(CliPlatformFixture fixture)
{
    private static readonly string CourseSubtitles = BuildInfo.CourseCaptionsFolder;

    [Fact]
    public async Task Login_keeps_a_private_session_that_whoami_and_logout_use()
    {
        var cli = fixture.Cli();

        var login = await cli.RunAsync(["login", "--email", fixture.Platform.AdminEmail, "--password-stdin"], fixture.Platform.AdminPassword + "\n");
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains($"as {fixture.Platform.AdminEmail} (admin,", login.Output, StringComparison.Ordinal);
        var credentials = Path.Combine(cli.ConfigFolder, "creatorchat", "credentials.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
        }

        var whoami = await cli.RunAsync("whoami", "--json");
        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        var me = whoami.Json();
        Assert.Equal(fixture.Platform.AdminEmail, me["email"]!.GetValue<string>());
        Assert.Equal("admin", me["role"]!.GetValue<string>());
        Assert.NotNull(me["usage"]!["hourly_limit"]);

        var table = await cli.RunAsync("whoami");
        Assert.Contains("Requests this hour", table.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await cli.RunAsync("logout")).ExitCode);
        Assert.False(File.Exists(credentials));
        var after = await cli.RunAsync("whoami");
        Assert.Equal(ExitCodes.NotSignedIn, after.ExitCode);
        Assert.Equal("creatorchat: Not signed in: run 'creatorchat login' (or set CREATORCHAT_TOKEN).", after.Error.Trim());
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_transparently()
    {
        var cli = fixture.Cli();
        Assert.Equal(0, (await cli.RunAsync(["login", "--email", fixture.Platform.AdminEmail, "--password-stdin"], fixture.Platform.AdminPassword)).ExitCode);
        var path = Path.Combine(cli.ConfigFolder, "creatorchat", "credentials.json");
        var stored = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        var oldRefresh = stored["refresh_token"]!.GetValue<string>();
        stored["access_token"] = "expired.not.valid";
        stored["expires_at"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        await File.WriteAllTextAsync(path, stored.ToJsonString());

        var whoami = await cli.RunAsync("whoami", "--json");

        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        var renewed = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.NotEqual(oldRefresh, renewed["refresh_token"]!.GetValue<string>());

        // A session whose refresh token no longer works (here: the rotated-away one) means signing in again.
        renewed["access_token"] = "expired.not.valid";
        renewed["refresh_token"] = oldRefresh;
        await File.WriteAllTextAsync(path, renewed.ToJsonString());
        var expired = await cli.RunAsync("whoami");
        Assert.Equal(ExitCodes.NotSignedIn, expired.ExitCode);
        Assert.Equal($"creatorchat: Your session for {fixture.Platform.AdminEmail} has expired: run 'creatorchat login'.", expired.Error.Trim());
    }

    [Fact]
    public async Task Ingesting_the_course_twice_uploads_nothing_the_second_time_and_chat_cites_the_videos()
    {
        var admin = await fixture.AdminTokenAsync();
        using (var created = await fixture.Gateway(admin).PostJsonAsync("/api/v1/creators", new { slug = "hf-course", name = "Hugging Face Course", specialty = "NLP" }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var cli = fixture.Cli(new Dictionary<string, string?> { ["CREATORCHAT_TOKEN"] = admin });

        var first = await cli.RunAsync("ingest", "hf-course", CourseSubtitles);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("82 files: 82 uploaded, 0 already there, 0 failed.", first.Output, StringComparison.Ordinal);
        Assert.Equal(82, first.Output.Split('\n').Count(l => l.StartsWith("ready ", StringComparison.Ordinal)));

        var second = await cli.RunAsync("ingest", "hf-course", CourseSubtitles, "--json");
        Assert.True(second.ExitCode == 0, second.ToString());
        var report = second.Json();
        Assert.Equal(0, report["uploaded"]!.GetValue<int>());
        Assert.Equal(82, report["unchanged"]!.GetValue<int>());

        var videos = await cli.RunAsync("videos", "hf-course", "--json");
        var list = videos.Json().AsArray();
        Assert.Equal(82, list.Count);
        Assert.All(list, v => Assert.Equal("ready", v!["status"]!.GetValue<string>()));

        var search = await cli.RunAsync("search", "hf-course", "what does a tokenizer do", "--json");
        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.NotEmpty(search.Json().AsArray());

        // One-shot chat, as a fan: the streamed answer, then numbered citations with title and time.
        var fan = await RegisterAsync("fan-chat");
        var fanCli = fixture.Cli(new Dictionary<string, string?> { ["CREATORCHAT_TOKEN"] = fan.Token });
        var chat = await fanCli.RunAsync("chat", "hf-course", "What does a tokenizer do?");
        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.Contains("[1]", chat.Output, StringComparison.Ordinal);
        var citation = chat.Output.Split('\n').First(l => l.StartsWith("[1] ", StringComparison.Ordinal));
        Assert.Matches(@"^\[1\] .+ https://\S+ · \d\d:\d\d", citation);

        var json = await fanCli.RunAsync("chat", "hf-course", "What is a pipeline?", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var answer = json.Json();
        Assert.NotEmpty(answer["response"]!.GetValue<string>());
        Assert.NotEmpty(answer["citations"]!.AsArray());

        // The interactive session, fed from standard input.
        var session = await fanCli.RunAsync(["chat", "hf-course"], "How do I fine-tune a model?\n/feedback up clear\n/usage\n/history\n/new\n/history\n/quit\n");
        Assert.True(session.ExitCode == 0, session.ToString());
        Assert.Contains("Thanks for the feedback.", session.Output, StringComparison.Ordinal);
        Assert.Contains("Messages this month:", session.Output, StringComparison.Ordinal);
        Assert.Contains("you> How do I fine-tune a model?", session.Output, StringComparison.Ordinal);
        Assert.Contains("No conversation yet", session.Output, StringComparison.Ordinal);

        var insights = await cli.RunAsync("insights", "hf-course", "--json");
        Assert.True(insights.ExitCode == 0, insights.ToString());
        Assert.True(insights.Json()["questions"]!.GetValue<long>() >= 3);
    }

    [Fact]
    public async Task Ctrl_c_at_the_prompt_does_not_end_the_session()
    {
        var fan = await RegisterAsync("fan-interrupt");
        var cli = fixture.Cli(new Dictionary<string, string?> { ["CREATORCHAT_TOKEN"] = fan.Token });
        var pipe = new System.IO.Pipelines.Pipe();
        var interrupts = new Interrupts();
        var run = cli.RunAsync(["chat", "anyone"], interrupts: interrupts, reader: new StreamReader(pipe.Reader.AsStream()));

        // Wait until the session waits for a line, then press Ctrl+C.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!interrupts.TryInterrupt())
        {
            Assert.True(DateTime.UtcNow < deadline, "The session never asked for input.");
            await Task.Delay(50);
        }

        await pipe.Writer.WriteAsync("/quit\n"u8.ToArray());
        var result = await run;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("(type /quit to leave)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_changes_a_tier_and_a_fan_cannot()
    {
        var fan = await RegisterAsync("fan-tier");
        var admin = fixture.Cli(new Dictionary<string, string?> { ["CREATORCHAT_TOKEN"] = await fixture.AdminTokenAsync() });

        var set = await admin.RunAsync("admin", "set", fan.Email, "--tier", "premium", "--json");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal("premium", set.Json()["tier"]!.GetValue<string>());

        var fanCli = fixture.Cli(new Dictionary<string, string?> { ["CREATORCHAT_TOKEN"] = fan.Token });
        Assert.Equal("premium", (await fanCli.RunAsync("whoami", "--json")).Json()["tier"]!.GetValue<string>());

        var users = await admin.RunAsync("admin", "users", "--query", fan.Email, "--json");
        Assert.Equal(fan.Email, Assert.Single(users.Json()["items"]!.AsArray())!["email"]!.GetValue<string>());

        var audit = await admin.RunAsync("admin", "audit", "--json");
        Assert.True(audit.ExitCode == 0, audit.ToString());
        Assert.NotEmpty(audit.Json()["items"]!.AsArray());

        var stats = await admin.RunAsync("admin", "stats", "--json");
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.True(stats.Json()["users"]!.GetValue<long>() >= 2);

        var forbidden = await fanCli.RunAsync("admin", "users");
        Assert.Equal(ExitCodes.NotSignedIn, forbidden.ExitCode);
        Assert.StartsWith("creatorchat: Not allowed", forbidden.Error, StringComparison.Ordinal);

        var unknown = await admin.RunAsync("admin", "set", "nobody@example.com", "--tier", "free");
        Assert.Equal(ExitCodes.Failure, unknown.ExitCode);
        Assert.Equal("creatorchat: No user with the email 'nobody@example.com'.", unknown.Error.Trim());
    }

    [Fact]
    public async Task Locked_out_logins_exit_4_and_say_when_to_retry()
    {
        var fan = await RegisterAsync("fan-locked");
        var cli = fixture.Cli();
        for (var i = 0; i < CliPlatformFixture.FailedLoginsPerAccount; i++)
        {
            var wrong = await cli.RunAsync(["login", "--email", fan.Email, "--password-stdin"], "wrong password\n");
            Assert.Equal(ExitCodes.NotSignedIn, wrong.ExitCode);
        }

        var locked = await cli.RunAsync(["login", "--email", fan.Email, "--password-stdin"], fan.Password + "\n");

        Assert.True(locked.ExitCode == ExitCodes.RateLimited, locked.ToString());
        Assert.Matches(@"^creatorchat: Rate limited: .+; try again in \d+ (s|min)\.$", locked.Error.Trim());
    }

    [Fact]
    public async Task Unknown_creators_and_bad_urls_are_one_line_errors()
    {
        var fan = await RegisterAsync("fan-errors");
        var cli = fixture.Cli(new Dictionary<string, string?> { ["CREATORCHAT_TOKEN"] = fan.Token });

        var chat = await cli.RunAsync("chat", "no-such-creator", "hello?");
        Assert.Equal(ExitCodes.Failure, chat.ExitCode);
        Assert.Single(chat.Error.Trim().Split('\n'));
        Assert.Contains("no-such-creator", chat.Error, StringComparison.Ordinal);

        var wrongPath = await cli.RunAsync("creators", "--url", new Uri(fixture.Platform.GatewayUrl, "/nothing-here/").ToString());
        Assert.Equal(ExitCodes.Failure, wrongPath.ExitCode);
        Assert.Contains("does not look like a CreatorChat gateway", wrongPath.Error, StringComparison.Ordinal);

        var expired = fixture.Cli(new Dictionary<string, string?> { ["CREATORCHAT_TOKEN"] = "not-a-token" });
        var refused = await expired.RunAsync("whoami");
        Assert.Equal(ExitCodes.NotSignedIn, refused.ExitCode);
    }

    private async Task<(string Email, string Password, string Token)> RegisterAsync(string name)
    {
        var email = $"{name}-{Guid.NewGuid():N}@example.com";
        const string password = "Correct-Horse-Battery-9";
        using var client = fixture.Gateway();
        using (var register = await client.PostJsonAsync("/api/v1/auth/register", new { email, password }))
        {
            Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        }

        using var login = await client.PostJsonAsync("/api/v1/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        return (email, password, (await login.ReadJsonAsync())["access_token"]!.GetValue<string>());
    }
}
