namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// The client's request body on its way upstream. When reading it fails (shorter than its
/// Content-Length, an invalid chunk, too slow, the client gone) the fault is the client's: it is kept
/// in <see cref="Fault"/> and the forward is cancelled, so the failure is answered as a 4xx and never
/// surfaces as an upstream error that retries or circuit breakers would count against the service.
/// </summary>
public sealed class ClientBodyStream(Stream inner, CancellationTokenSource forward) : Stream
{
    public Exception? Fault { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException)
        {
            Fault = ex;
            await forward.CancelAsync();
            throw new OperationCanceledException("The client's request body could not be read.", ex, forward.Token);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The request body is read asynchronously.");

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
