using System;

namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// The commands of a page's ViewData entries, checked by their reader and encoded at once through
    /// <see cref="CommandWriter"/> into one buffer, in the order the entries are read: the custom variables, then the
    /// custom dimensions, then the commands; and the identity entry's verdict. <see cref="PageScript"/> writes each part
    /// where it belongs in the snippet.
    /// </summary>
    /// <remarks>
    /// One per thread, reused (<see cref="Start"/>): a page's ViewData is read and its snippet rendered at once, and
    /// reading into page objects (a <see cref="MatomoPage"/>, lists, one object per item) cost about a fifth of the
    /// helper's time on Mono. What <see cref="Start"/> returns is valid until the next call on the same thread.
    /// </remarks>
    internal sealed class ViewDataScript
    {
        private const int KeptBufferCapacity = 16384;

        [ThreadStatic] private static ViewDataScript _thread;

        private CharBuffer _text = new CharBuffer(512);
        private int _variablesEnd, _dimensionsEnd;
        private Part _part;

        private enum Part { Variables, Dimensions, Commands }

        private ViewDataScript()
        {
        }

        /// <summary>This thread's script, emptied: valid until the next call on this thread.</summary>
        public static ViewDataScript Start()
        {
            ViewDataScript script = _thread ?? (_thread = new ViewDataScript());
            if (script._text.Capacity > KeptBufferCapacity) script._text = new CharBuffer(512);
            script._text.Clear();
            script._variablesEnd = script._dimensionsEnd = 0;
            script._part = Part.Variables;
            script.UserId = null;
            script.UserIdDecided = false;
            return script;
        }

        /// <summary>The user id of the identity entry (null: none).</summary>
        public string UserId { get; private set; }

        /// <summary>Whether an identity entry was present (it then decides the user id, even when null).</summary>
        public bool UserIdDecided { get; private set; }

        public void SetUserId(string userId)
        {
            UserId = userId;
            UserIdDecided = true;
        }

        public void Variable(int index, string name, string value, CustomVariableScope scope)
        {
            Expect(Part.Variables);
            TypedCommands.WriteVariable(_text, index, name, value, scope);
        }

        /// <summary>The variables are read: what follows are dimensions.</summary>
        public void EndVariables()
        {
            Expect(Part.Variables);
            _variablesEnd = _dimensionsEnd = _text.Length;
            _part = Part.Dimensions;
        }

        public void Dimension(int id, string value)
        {
            Expect(Part.Dimensions);
            TypedCommands.WriteDimension(_text, id, value);
        }

        /// <summary>The dimensions are read: what follows are commands.</summary>
        public void EndDimensions()
        {
            Expect(Part.Dimensions);
            _dimensionsEnd = _text.Length;
            _part = Part.Commands;
        }

        public void Command(MatomoCommand command)
        {
            Expect(Part.Commands);
            _text.Append(command.Script);
        }

        public void WriteVariables(CharBuffer output) => output.Append(_text, 0, _variablesEnd);

        public void WriteDimensions(CharBuffer output) => output.Append(_text, _variablesEnd, _dimensionsEnd - _variablesEnd);

        public void WriteCommands(CharBuffer output)
        {
            if (_part == Part.Commands) output.Append(_text, _dimensionsEnd, _text.Length - _dimensionsEnd);
        }

        private void Expect(Part part)
        {
            if (_part != part) throw new InvalidOperationException("ViewData's " + part + " written after the " + _part + " began.");
        }
    }
}
