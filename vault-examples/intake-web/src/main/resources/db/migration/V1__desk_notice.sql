-- The application's own table, in the application's own database: a notice for the login page.
CREATE TABLE desk_notice (id INT PRIMARY KEY, text VARCHAR(400) NOT NULL);
INSERT INTO desk_notice (id, text) VALUES (1, '受付窓口: 申請書のスキャンを保存します / Intake desk: store scanned forms');
