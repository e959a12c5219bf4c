/* Learner checklist and course-staff panel of the Credential block. Vanilla JS; `element` may be a DOM node or a
   jQuery object depending on the runtime. Every request sends the CSRF cookie as X-CSRFToken. */
function CredentialBlock(runtime, element, args) {
    'use strict';
    var root = element.jquery ? element[0] : element;
    var strings = (args && args.strings) || {};

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return match ? decodeURIComponent(match[1]) : '';
    }

    function post(handler, body) {
        return fetch(runtime.handlerUrl(element, handler), {
            method: 'POST',
            credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrfToken()},
            body: JSON.stringify(body || {})
        }).then(function (response) {
            return response.json().then(function (data) { return {ok: response.ok, data: data}; });
        });
    }

    function announce(text) {
        var live = root.querySelector('[data-role="live"]');
        if (live) { live.textContent = text; }
    }

    function show(html) {
        root.querySelector('[data-role="checklist"]').innerHTML = html;
    }

    function refresh() {
        return post('progress').then(function (result) {
            if (result.ok) { show(result.data.html); announce(strings.updated || ''); }
        }).catch(function () { announce(strings.failed || ''); });
    }

    function showIssued(html) {
        show(html);
        var link = root.querySelector('.cx-issued a');
        if (link) { link.focus(); }
    }

    // A claim answered "being prepared" (issued once the request commits, or by a worker): look again a few
    // times, waiting twice as long each time (about a minute in all), and show the credential once it is there.
    function awaitIssue(delay) {
        if (delay > 32000) { return; }
        window.setTimeout(function () {
            post('progress').then(function (result) {
                if (result.ok && result.data.checklist.status !== 'pending') { showIssued(result.data.html); } else { awaitIssue(delay * 2); }
            }).catch(function () { awaitIssue(delay * 2); });
        }, delay);
    }

    function claim(button) {
        var scope = button.closest('[data-claim-scope]') || root;
        var error = scope.querySelector('[data-role="claim-error"]');
        var pathConfig = button.getAttribute('data-path-config');
        button.disabled = true;
        button.textContent = strings.working || button.textContent;
        post('claim', pathConfig ? {path_config: pathConfig} : {}).then(function (result) {
            if (result.ok) {
                showIssued(result.data.html);
                if (result.data.checklist && result.data.checklist.status === 'pending') { awaitIssue(1000); }
            } else {
                button.disabled = false;
                error.textContent = result.data.error || strings.failed;
                error.hidden = false;
            }
        }).catch(function () {
            button.disabled = false;
            error.textContent = strings.failed;
            error.hidden = false;
        });
    }

    function loadCounts() {
        var counts = root.querySelector('[data-role="counts"]');
        if (!counts) { return; }
        root.querySelector('[data-role="csv"]').href = runtime.handlerUrl(element, 'export_csv');
        post('staff_summary').then(function (result) {
            var error = root.querySelector('[data-role="staff-error"]');
            counts.setAttribute('aria-busy', 'false');
            if (!result.ok) {
                error.textContent = result.data.error || strings.failed;
                error.hidden = false;
                counts.querySelectorAll('[data-count]').forEach(function (cell) { cell.textContent = '\u2013'; });
                return;
            }
            Object.keys(result.data).forEach(function (key) {
                var cell = counts.querySelector('[data-count="' + key + '"]');
                if (cell) { cell.textContent = result.data[key]; }
            });
        });
    }

    function format(template, values) {
        return (template || '').replace(/\{(\w+)\}/g, function (all, key) {
            return values[key] !== undefined ? values[key] : all;
        });
    }

    function result(node, text, ok) {
        node.textContent = text;
        node.className = 'cx-result ' + (ok ? 'cx-result-ok' : 'cx-error-text');
    }

    /* Staff actions: each asks for confirmation, then shows its result in place (a live region). */
    function staffAction(action, values, output, done) {
        var question = strings['confirm_' + action];
        if (question && !window.confirm(format(question, values))) { return; }
        result(output, strings.working || '', true);
        post('staff_action', Object.assign({action: action}, values)).then(function (answer) {
            result(output, answer.ok ? answer.data.message : (answer.data.error || strings.failed), answer.ok);
            if (answer.ok) { loadCounts(); loadFailed(); if (done) { done(); } }
        }).catch(function () { result(output, strings.failed || '', false); });
    }

    function manage(button) {
        var form = root.querySelector('[data-role="manage"]');
        staffAction(button.getAttribute('data-staff'),
                    {username: form.elements.username.value.trim(), user: form.elements.username.value.trim(),
                     reason: form.elements.reason.value},
                    form.querySelector('[data-role="manage-result"]'),
                    function () { form.elements.reason.value = ''; });
    }

    function loadFailed() {
        var list = root.querySelector('[data-role="failed-list"]');
        if (!list) { return; }
        post('staff_action', {action: 'failed'}).then(function (answer) {
            if (!answer.ok) { return; }
            list.textContent = '';
            answer.data.failed.forEach(function (item) {
                var entry = document.createElement('li');
                var text = document.createElement('span');
                text.textContent = item.code + ' \u2014 ' + item.username + ': ' + item.reason + ' (' +
                    format(strings.attempts, {count: item.attempts}) + ') ';
                var retry = document.createElement('button');
                retry.type = 'button';
                retry.className = 'cx-button cx-secondary';
                retry.textContent = strings.retry;
                retry.setAttribute('data-action', 'retry');
                retry.setAttribute('data-code', item.code);
                retry.setAttribute('data-username', item.username);
                retry.setAttribute('aria-label', strings.retry + ' ' + item.code);
                entry.appendChild(text);
                entry.appendChild(retry);
                list.appendChild(entry);
            });
            root.querySelector('[data-role="failed-empty"]').hidden = answer.data.failed.length > 0;
        });
    }

    root.addEventListener('click', function (event) {
        var target = event.target.closest('[data-action]');
        if (!target || !root.contains(target)) { return; }
        var action = target.getAttribute('data-action');
        if (action === 'refresh') { refresh(); }
        if (action === 'claim') { claim(target); }
        if (action === 'staff') { manage(target); }
        if (action === 'retry') {
            staffAction('retry', {code: target.getAttribute('data-code'), user: target.getAttribute('data-username')},
                        root.querySelector('[data-role="failed-result"]'));
        }
    });
    // Learners often finish a unit in another tab: bring the checklist up to date when they come back.
    document.addEventListener('visibilitychange', function () {
        if (document.visibilityState === 'visible') { refresh(); }
    });
    loadCounts();
    loadFailed();
}
