// The hex view's scroll area: reports the scroll position and size to .NET at most once per
// animation frame, and scrolls on request (jump to offset). The rows themselves are rendered by
// Blazor; this only measures, and passes on what .NET cannot see without a round trip per
// event: the keys that move the selection (their default, scrolling, is stopped here, where it
// must be stopped synchronously), Ctrl+C, and which byte the pointer is over.
const keys = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End']);

// Writes text to the clipboard: the async API where the page may use it, else the old
// execCommand through a hidden textarea. True when one of them took it.
export async function copy(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        const area = document.createElement('textarea');
        area.value = text;
        area.style.position = 'fixed';
        area.style.opacity = '0';
        document.body.appendChild(area);
        area.select();
        const ok = document.execCommand('copy');
        area.remove();
        return ok;
    }
}

export function attach(element, dotnet, initialTop) {
    // The view can be gone before its script attaches (its tab switched away at once): nothing to watch.
    if (!element) return { scrollTo: () => { }, copy, dispose: () => { } };
    element.scrollTop = initialTop;
    // Once .NET detaches (it then disposes its reference), nothing more is sent: a report already
    // scheduled (a frame, a resize as the view leaves the page) is dropped, and a call already on
    // its way is answered "no tracked object", which is no error once detached.
    let disposed = false;
    const call = (method, ...args) => disposed ? Promise.resolve(null)
        : dotnet.invokeMethodAsync(method, ...args).catch(e => { if (!disposed) throw e; return null; });
    let pending = false;
    const report = () => {
        pending = false;
        call('OnScrolled', element.scrollTop, element.clientHeight, element.clientWidth);
    };
    const schedule = () => {
        if (!pending) {
            pending = true;
            requestAnimationFrame(report);
        }
    };
    const keydown = e => {
        const ctrl = e.ctrlKey || e.metaKey;
        if (ctrl && (e.key === 'c' || e.key === 'C')) {
            e.preventDefault();
            call('CopyText').then(text => { if (text != null) copy(text); });
        } else if (keys.has(e.key)) {
            e.preventDefault();
            call('OnKey', e.key, e.shiftKey, ctrl);
        }
    };
    // One report per byte entered (hex or ASCII column), not per mouse move.
    let hovered = -1;
    const hover = at => {
        if (at !== hovered) {
            hovered = at;
            call('OnHover', at);
        }
    };
    const over = e => {
        const cell = e.target.closest('[data-at], [data-char]');
        if (cell) hover(Number(cell.dataset.at ?? cell.dataset.char));
    };
    const leave = () => hover(-1);
    // Shift-click extends the selection; without this the browser would select text as well.
    const mousedown = e => { if (e.shiftKey) e.preventDefault(); };
    element.addEventListener('scroll', schedule, { passive: true });
    element.addEventListener('keydown', keydown);
    element.addEventListener('mouseover', over);
    element.addEventListener('mouseleave', leave);
    element.addEventListener('mousedown', mousedown);
    const resize = new ResizeObserver(schedule);
    resize.observe(element);
    // Keys pressed before this point went nowhere: tests (and people's scripts) wait for the mark.
    element.dataset.keys = 'on';
    schedule();
    return {
        scrollTo: top => { element.scrollTop = top; schedule(); },
        copy,
        dispose: () => {
            disposed = true;
            element.removeEventListener('scroll', schedule);
            element.removeEventListener('keydown', keydown);
            element.removeEventListener('mouseover', over);
            element.removeEventListener('mouseleave', leave);
            element.removeEventListener('mousedown', mousedown);
            resize.disconnect();
        },
    };
}
