using System.Net;
using System.Net.Sockets;
using CreatorChat.Cli.Api;
using CreatorChat.Cli.Rendering;
using Xunit;

namespace CreatorChat.Cli.Tests.Unit;

public class ErrorReportTests
{
    private static readonly Uri Gateway = new("http://127.0.0.1:5300/");

    [Fact]
    public void Rate_limited_is_4_and_says_when_to_retry()
    {
        var report = ErrorReport.From(new ApiException(HttpStatusCode.TooManyRequests, "Too many requests. Slow down.", TimeSpan.FromSeconds(42)), Gateway);
        Assert.Equal(ExitCodes.RateLimited, report.ExitCode);
        Assert.Equal("Rate limited: Too many requests. Slow down; try again in 42 s.", report.Message);

        Assert.Contains("try again in 15 min", ErrorReport.From(new ApiException(HttpStatusCode.TooManyRequests, "Locked.", TimeSpan.FromMinutes(15)), Gateway).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, ExitCodes.NotSignedIn)]
    [InlineData(HttpStatusCode.Forbidden, ExitCodes.NotSignedIn)]
    [InlineData(HttpStatusCode.NotFound, ExitCodes.Failure)]
    [InlineData(HttpStatusCode.BadRequest, ExitCodes.Failure)]
    [InlineData(HttpStatusCode.ServiceUnavailable, ExitCodes.Failure)]
    public void Api_errors_map_to_the_documented_exit_codes(HttpStatusCode status, int expected) =>
        Assert.Equal(expected, ErrorReport.From(new ApiException(status, "detail"), Gateway).ExitCode);

    [Fact]
    public void Local_failures_map_to_their_exit_codes()
    {
        Assert.Equal(ExitCodes.Usage, ErrorReport.From(new UsageException("x"), Gateway).ExitCode);
        Assert.Equal(ExitCodes.NotSignedIn, ErrorReport.From(new NotSignedInException("x"), Gateway).ExitCode);
        Assert.Equal(ExitCodes.Failure, ErrorReport.From(new CliFailureException("x"), Gateway).ExitCode);
        Assert.Equal(ExitCodes.Failure, ErrorReport.From(new InvalidOperationException("boom"), Gateway).ExitCode);
    }

    [Fact]
    public void An_unreachable_gateway_names_the_url_and_the_reason()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:5300)", new SocketException((int)SocketError.ConnectionRefused));
        var report = ErrorReport.From(refused, Gateway);
        Assert.Equal(ExitCodes.Failure, report.ExitCode);
        Assert.Equal("Cannot reach CreatorChat at http://127.0.0.1:5300/: connection refused (is it running?).", report.Message);
    }

    [Fact]
    public void Problem_details_become_one_line_with_the_first_field_error()
    {
        const string body = """{"title":"One or more validation errors occurred.","status":400,"detail":"The video could not be accepted; see errors.","errors":{"video_id":["Required: 1 to 64 letters."]}}""";
        Assert.Equal("The video could not be accepted; see errors (video_id: Required: 1 to 64 letters.)", ProblemText.From("application/problem+json", body));
        Assert.Equal("Creator not found", ProblemText.From("application/problem+json", """{"title":"Creator not found"}"""));
        Assert.Null(ProblemText.From("text/html", "<html>"));
    }
}
