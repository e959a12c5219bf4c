/* Studio editor of the Credential block: posts the whole form as JSON to `studio_submit`; on 400 shows each
   message next to its field (nothing was saved); on success tells Studio to close the editor. */
function CredentialStudio(runtime, element, args) {
    'use strict';
    var root = element.jquery ? element[0] : element;
    var form = root.querySelector('[data-role="form"]');
    var rows = root.querySelector('[data-role="type-rows"]');
    var status = root.querySelector('[data-role="status"]');
    var strings = (args && args.strings) || {};

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return match ? decodeURIComponent(match[1]) : '';
    }

    function notify(name, data) {
        if (runtime.notify) { runtime.notify(name, data || {}); }
    }

    function addRow() {
        var list = form.querySelector('datalist');
        var item = document.createElement('li');
        item.className = 'cx-type-row';
        item.setAttribute('data-role', 'type-row');
        [['type', strings.typeName], ['value', strings.typeValue]].forEach(function (pair) {
            var label = document.createElement('label');
            var input = document.createElement('input');
            input.type = 'text';
            input.name = pair[0];
            if (pair[0] === 'type' && list) { input.setAttribute('list', list.id); }
            if (pair[0] === 'value') { input.setAttribute('inputmode', 'decimal'); }
            label.appendChild(document.createTextNode(pair[1] + ' '));
            label.appendChild(input);
            item.appendChild(label);
        });
        var remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'cx-button cx-secondary';
        remove.setAttribute('data-action', 'remove-row');
        remove.textContent = strings.remove;
        item.appendChild(remove);
        var error = document.createElement('p');
        error.className = 'cx-error-text';
        item.appendChild(error);
        rows.appendChild(item);
        item.querySelector('input').focus();
    }

    function collect() {
        var data = {};
        ['display_name', 'level', 'min_completion', 'min_grade', 'template', 'description', 'allowed_modes',
         'available_from', 'validity_months', 'valid_until', 'badge_name', 'badge_description', 'badge_criteria',
         'badge_image'
        ].forEach(function (name) { data[name] = form.elements[name].value; });
        data.min_section_completion = Array.prototype.filter.call(root.querySelectorAll('[data-section]'),
            function (input) { return input.value.trim() !== ''; }
        ).map(function (input) { return {section: input.getAttribute('data-section'), value: input.value}; });
        data.min_type_grades = Array.prototype.map.call(rows.querySelectorAll('[data-role="type-row"]'), function (row) {
            var type = row.querySelector('input[name="type"]').value;
            var error = row.querySelector('.cx-error-text');
            error.setAttribute('data-error-for', 'min_type_grades.' + type.trim());
            error.id = error.id || 'cx-row-error-' + Math.random().toString(36).slice(2);
            return {type: type, value: row.querySelector('input[name="value"]').value};
        });
        return data;
    }

    function clearErrors() {
        root.querySelectorAll('[data-error-for]').forEach(function (node) {
            node.textContent = '';
            if (node.getAttribute('data-error-for') === 'form') { node.hidden = true; }
        });
        root.querySelectorAll('[aria-invalid]').forEach(function (node) { node.removeAttribute('aria-invalid'); });
    }

    function showErrors(errors) {
        var first = null;
        Object.keys(errors).forEach(function (key) {
            var target = root.querySelector('[data-error-for="' + key.replace(/"/g, '\\"') + '"]') ||
                root.querySelector('[data-error-for="form"]');
            target.textContent = errors[key];
            target.hidden = false;
            var row = target.closest('[data-role="type-row"]');
            var fields = row ? Array.prototype.slice.call(row.querySelectorAll('input')) :
                key === 'criteria' ? [form.elements.min_completion] : [form.elements[key]];
            fields.forEach(function (field) {
                if (field && field.setAttribute) {
                    field.setAttribute('aria-invalid', 'true');
                    if (row) { field.setAttribute('aria-describedby', target.id || ''); }
                    first = first || field;
                }
            });
        });
        status.textContent = strings.invalid;
        status.classList.add('cx-status-error');
        if (first) { first.focus(); }
    }

    function save(event) {
        event.preventDefault();
        clearErrors();
        status.textContent = '';
        status.classList.remove('cx-status-error');
        notify('save', {state: 'start'});
        fetch(runtime.handlerUrl(element, 'studio_submit'), {
            method: 'POST',
            credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrfToken()},
            body: JSON.stringify(collect())
        }).then(function (response) {
            return response.json().then(function (data) { return {ok: response.ok, data: data}; });
        }).then(function (result) {
            if (result.ok) {
                status.textContent = strings.saved;
                notify('save', {state: 'end'});
            } else {
                notify('error', {title: strings.invalid, message: strings.invalid});
                showErrors(result.data.errors || {form: strings.failed});
            }
        }).catch(function () { showErrors({form: strings.failed}); });
    }

    function readBadgeFile(event) {
        var file = event.target.files[0];
        if (!file) { return; }
        var reader = new FileReader();
        reader.onload = function () { form.elements.badge_image.value = reader.result; };
        reader.readAsDataURL(file);
    }

    form.addEventListener('submit', save);
    root.querySelector('[data-role="badge-file"]').addEventListener('change', readBadgeFile);
    root.addEventListener('click', function (event) {
        var target = event.target.closest('[data-action]');
        if (!target) { return; }
        var action = target.getAttribute('data-action');
        if (action === 'add-row') { addRow(); }
        if (action === 'remove-row') { target.closest('[data-role="type-row"]').remove(); }
        if (action === 'cancel') { event.preventDefault(); notify('cancel', {}); }
        if (action === 'clear-badge-image') {
            form.elements.badge_image.value = '';
            root.querySelector('[data-role="badge-file"]').value = '';
        }
    });
}
