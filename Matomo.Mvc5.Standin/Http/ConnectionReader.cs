using System;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace Matomo.Mvc5.Standin.Http
{
    /// <summary>Buffered reads of lines (CRLF, or a bare LF) and of exact byte counts from one connection.</summary>
    internal sealed class ConnectionReader
    {
        private readonly Stream _stream;
        private readonly byte[] _buffer = new byte[16384];
        private int _start, _end;

        public ConnectionReader(Stream stream) { _stream = stream; }

        private async Task<bool> Fill()
        {
            if (_start > 0 && _start == _end) _start = _end = 0;
            if (_end == _buffer.Length)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            int n = await _stream.ReadAsync(_buffer, _end, _buffer.Length - _end).ConfigureAwait(false);
            _end += n;
            return n > 0;
        }

        /// <summary>The next line without its line end (ISO-8859-1, as HTTP header bytes are); null at the end of the stream or past max.</summary>
        public async Task<string> ReadLine(int max)
        {
            var line = new StringBuilder();
            while (true)
            {
                for (int i = _start; i < _end; i++)
                {
                    if (_buffer[i] != (byte)'\n') continue;
                    line.Append(Encoding.GetEncoding(28591).GetString(_buffer, _start, i - _start));
                    _start = i + 1;
                    if (line.Length > 0 && line[line.Length - 1] == '\r') line.Length--;
                    return line.ToString();
                }
                line.Append(Encoding.GetEncoding(28591).GetString(_buffer, _start, _end - _start));
                _start = _end;
                if (line.Length > max) return null;
                if (!await Fill().ConfigureAwait(false)) return null;
            }
        }

        public async Task<byte[]> ReadExactly(int count)
        {
            var result = new byte[count];
            int done = 0;
            while (done < count)
            {
                if (_start == _end && !await Fill().ConfigureAwait(false)) return null;
                int n = Math.Min(count - done, _end - _start);
                Buffer.BlockCopy(_buffer, _start, result, done, n);
                _start += n;
                done += n;
            }
            return result;
        }
    }
}
