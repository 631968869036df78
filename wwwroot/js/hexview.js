// The hex view's scroll area: reports the scroll position and size to .NET at most once per
// animation frame, and scrolls on request (jump to offset). The rows themselves are rendered by
// Blazor; this only measures.
export function attach(element, dotnet, initialTop) {
    // The view can be gone before its script attaches (its tab switched away at once): nothing to watch.
    if (!element) return { scrollTo: () => { }, dispose: () => { } };
    element.scrollTop = initialTop;
    let pending = false;
    const report = () => {
        pending = false;
        dotnet.invokeMethodAsync('OnScrolled', element.scrollTop, element.clientHeight, element.clientWidth);
    };
    const schedule = () => {
        if (!pending) {
            pending = true;
            requestAnimationFrame(report);
        }
    };
    element.addEventListener('scroll', schedule, { passive: true });
    const resize = new ResizeObserver(schedule);
    resize.observe(element);
    schedule();
    return {
        scrollTo: top => { element.scrollTop = top; schedule(); },
        dispose: () => { element.removeEventListener('scroll', schedule); resize.disconnect(); },
    };
}
