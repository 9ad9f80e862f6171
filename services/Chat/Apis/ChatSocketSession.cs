using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.ServiceDefaults.Security;

namespace CreatorChat.Chat.Apis;

/// <summary>One client's socket: a receive loop, at most one answer at a time, serialised sends.</summary>
internal sealed class ChatSocketSession(
    WebSocket socket, ChatPipeline pipeline, Guid? userId, Microsoft.IdentityModel.Tokens.TokenValidationParameters tokenParameters, ILogger logger)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Guid? _userId = userId;
    private CancellationTokenSource? _turnCancellation;
    private Task _turn = Task.CompletedTask;

    // Set once the running turn has sent its last frame: the client may ask again at once, while the
    // turn task is still unwinding (metrics, telemetry), and that must not count as "still writing".
    private volatile bool _turnDelivered = true;

    public async Task RunAsync(CancellationToken connectionAborted)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(connectionAborted);
        var buffer = ArrayPool<byte>.Shared.Rent(ChatLimits.MaxSocketMessageBytes);
        try
        {
            using var authDeadline = new CancellationTokenSource(ChatSocketApi.AuthenticationTimeout);
            while (socket.State == WebSocketState.Open)
            {
                using var firstFrame = _userId is null ? CancellationTokenSource.CreateLinkedTokenSource(connection.Token, authDeadline.Token) : null;
                var (kind, length) = await ReceiveAsync(buffer, firstFrame?.Token ?? connection.Token);
                if (kind == WebSocketMessageType.Close)
                {
                    break;
                }

                if (length < 0)
                {
                    await SendAsync(new { type = "error", detail = $"Frames are at most {ChatLimits.MaxSocketMessageBytes} bytes." });
                    continue;
                }

                if (kind == WebSocketMessageType.Binary)
                {
                    await SendAsync(new { type = "error", detail = "Only text frames with JSON are understood." });
                    continue;
                }

                if (!await HandleAsync(buffer.AsMemory(0, length), connection.Token))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!connectionAborted.IsCancellationRequested && _userId is null)
        {
            await CloseAsync(WebSocketCloseStatus.PolicyViolation, "authentication timed out");
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away; the running answer (if any) is stopped and saved below.
        }
        finally
        {
            _turnCancellation?.Cancel();
            await _turn; // the answer is saved (as stopped) before the connection is let go
            ArrayPool<byte>.Shared.Return(buffer);
            await CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
            _sendLock.Dispose();
        }
    }

    /// <returns>False when the connection must end.</returns>
    private async Task<bool> HandleAsync(ReadOnlyMemory<byte> frame, CancellationToken connection)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(frame);
            root = document.RootElement.Clone();
            RequestText.Validate(root);
        }
        catch (JsonException ex)
        {
            await SendAsync(new { type = "error", detail = $"The frame is not valid JSON: {ex.Message}" });
            return true;
        }

        var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (_userId is null && type != SocketTokens.AuthFrameType)
        {
            await SendAsync(new { type = "error", detail = "Authenticate first: {type: \"auth\", access_token} (or connect with ?access_token=)." });
            await CloseAsync(WebSocketCloseStatus.PolicyViolation, "authentication required");
            return false;
        }

        switch (type)
        {
            case SocketTokens.AuthFrameType:
                return await AuthenticateAsync(root);
            case "message":
                await StartTurnAsync(root, connection);
                return true;
            case "stop":
                _turnCancellation?.Cancel();
                return true;
            case "ping":
                await SendAsync(new { type = "pong" });
                return true;
            case null:
                await SendAsync(new { type = "error", detail = "Every frame is a JSON object with a string \"type\": message, stop, ping or auth." });
                return true;
            default:
                await SendAsync(new { type = "error", detail = $"Unknown frame type '{type}'. Use message, stop, ping or auth." });
                return true;
        }
    }

    private async Task<bool> AuthenticateAsync(JsonElement root)
    {
        if (_userId is not null)
        {
            await SendAsync(new { type = "error", detail = "Already authenticated." });
            return true;
        }

        _userId = (await SocketTokens.ValidateUserTokenAsync(SocketTokens.FromAuthFrame(root), tokenParameters))?.GetUserId();

        if (_userId is null)
        {
            await SendAsync(new { type = "error", detail = "The access token is missing, invalid or expired." });
            await CloseAsync(WebSocketCloseStatus.PolicyViolation, "invalid token");
            return false;
        }

        await SendAsync(new { type = "authenticated" });
        return true;
    }

    private async Task StartTurnAsync(JsonElement root, CancellationToken connection)
    {
        if (!_turn.IsCompleted && _turnDelivered)
        {
            await _turn;
        }

        if (!_turn.IsCompleted)
        {
            await SendAsync(new { type = "error", detail = "An answer is still being written: wait for it to complete, or send {type: \"stop\"}." });
            return;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var input = ChatRequestParser.Parse(root, errors, "type");
        if (input is null)
        {
            await SendAsync(new { type = "error", detail = "The message is not valid.", errors });
            return;
        }

        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(connection);
        _turnCancellation = cancellation;
        _turnDelivered = false;
        _turn = RunTurnAsync(input, cancellation);
    }

    private async Task RunTurnAsync(ChatTurnInput input, CancellationTokenSource cancellation)
    {
        await Task.Yield(); // let the receive loop go back to listening (for stop) at once
        try
        {
            var request = new TurnRequest(_userId!.Value, input.CreatorSlug, input.Message, input.ConversationId, ChatSocketApi.Transport, Persist: true);
            var (turn, problem) = await pipeline.PrepareAsync(request, cancellation.Token);
            if (problem is not null)
            {
                await SendAsync(new { type = "error", detail = problem.Detail, status = problem.Status, errors = problem.Errors });
                return;
            }

            await pipeline.GenerateAsync(turn!, new ChatSocketSink(this), cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Stopped before the question was even saved.
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // The client went away.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "WebSocket turn failed");
            await TrySendAsync(new { type = "error", detail = "The answer could not be generated. Please try again." });
        }
        finally
        {
            Interlocked.CompareExchange(ref _turnCancellation, null, cancellation);
            cancellation.Dispose();
        }
    }

    /// <returns>The message type and length; length −1 when the message was too large (and was skipped).</returns>
    private async Task<(WebSocketMessageType Kind, int Length)> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        var tooLarge = false;
        while (true)
        {
            var target = tooLarge || length >= buffer.Length ? buffer.AsMemory(0, Math.Min(4096, buffer.Length)) : buffer.AsMemory(length);
            var result = await socket.ReceiveAsync(target, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, 0);
            }

            if (!tooLarge)
            {
                length += result.Count;
                tooLarge = length >= buffer.Length && !result.EndOfMessage;
            }

            if (result.EndOfMessage)
            {
                return (result.MessageType, tooLarge ? -1 : length);
            }
        }
    }

    internal void MarkDelivered() => _turnDelivered = true;

    internal async Task SendAsync<T>(T frame, CancellationToken cancellationToken = default)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, Microsoft.Extensions.Hosting.ApiJson.Options);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            // Never cancel a write half-way: a cancelled WebSocket send aborts the whole connection,
            // and a "stop" (which cancels the turn) must end the answer, not the socket.
            cancellationToken.ThrowIfCancellationRequested();
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task TrySendAsync<T>(T frame)
    {
        try
        {
            await SendAsync(frame);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseAsync(status, description, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }
}
